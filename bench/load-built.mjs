// For bench/rules.ts: loads and compiles one rules file with the BUILT code (dist/, tsc's output,
// which the bundle `bridge` runs is made of), in a fresh process, as `bridge check`, start-up and a
// reload do: the first load is a cold one (check, start), the later ones are reloads. Not run
// through tsx, whose transform wraps every function it creates in a naming helper the built code
// does not have: a cold load of 10,000 rules took ~10 % longer through it (1,032 against 937 ms,
// medians of 5 alternating runs, 2026-12-04).
// Usage: node bench/load-built.mjs <rules file> <loads> [yaml]; prints the times in ms as a JSON
// array. With `yaml`, each time is js-yaml's parse of the file alone (default schema, nothing
// validated or compiled), the floor of any loader that reads this YAML: the same-run baseline.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { load } from 'js-yaml';
import { activeRules } from '../dist/bridge/active-rules.js';
import { loadRulesText } from '../dist/config/load-rules.js';

const [file, loads = '3', mode] = process.argv.slice(2);
const text = readFileSync(file, 'utf8');
const times = [];
for (let i = 0; i < Number(loads); i++) {
  const t0 = performance.now();
  if (mode === 'yaml') {
    load(text);
    times.push(performance.now() - t0);
    continue;
  }
  const loaded = loadRulesText(text, 'rules.yaml', {});
  if (!loaded.ok) throw new Error(loaded.errors.slice(0, 3).join('\n'));
  activeRules(loaded.rules);
  times.push(performance.now() - t0);
}
process.stdout.write(`${JSON.stringify(times)}\n`);
