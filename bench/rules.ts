/**
 * `npm run bench:rules`: rule evaluation at 10, 100, 1,000 and 10,000 rules of the shape issue 11
 * measures (bench/rules-shape.ts), ours against json-rules-engine (the baseline, a devDependency
 * used only here) on the same rules and events in the same run, and the time to load and compile
 * each rules file (parse, validate, compile: what `check`, start-up and a reload pay).
 *
 * Load is timed with the built code in a fresh process per size (bench/load-built.mjs, after
 * `npm run build`, as bench:start does): its first load is what `bridge check` and start-up pay,
 * cold; the median of the next BENCH_RELOADS (default 3) is what a reload pays. Beside it, in the
 * same run, js-yaml's parse of the same file alone (the floor of any loader reading it).
 *
 * Ours is the planner's hot path: `decide` mode (no explanation tree for rules that miss) with no
 * memory, through the rule index (src/rules/rule-index.ts); "no index" is the same engine testing
 * every rule on the event, compiled without the index, in the same run. Each side plans the same 200 events (a quarter of them match a rule) for at least
 * BENCH_MIN_MS (default 500 ms, whole passes); json-rules-engine stops at 2 s, as it
 * is far slower at large sizes. Goals (issue 11): >= 100,000 events/s at 1,000 rules, >= 50,000 at
 * 10,000, load <= 1 s at 10,000.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from 'json-rules-engine';
import { registry } from '../src/actions/registry.js';
import { activeRules } from '../src/bridge/active-rules.js';
import { buildBridge, REPO_ROOT } from './spawn-server.js';
import { loadRulesText } from '../src/config/load-rules.js';
import type { BridgeEvent, JsonObject } from '../src/events/event.js';
import { compileRules } from '../src/rules/compile-rules.js';
import { planEvent } from '../src/rules/plan.js';
import { NO_STATE } from '../src/rules/state-types.js';
import { rulesYaml } from './rules-shape.js';

const SIZES = [10, 100, 1000, 10_000];
const EVENTS = 200;
const MIN_MS = Number(process.env.BENCH_MIN_MS ?? 500);
const BASELINE_BUDGET_MS = 2000;
const RELOADS = Number(process.env.BENCH_RELOADS ?? 3);

/** Event k: a visit to srv{k % 50}; every 4th is by a VIP of a rule for that server. */
function eventsFor(rules: number): BridgeEvent[] {
  return Array.from({ length: EVENTS }, (_, k) => {
    const server = k % 50;
    // Rule i is for srv{i % 50}: pick one such rule when this visit should match.
    const i = (server + 50 * Math.floor(k / 50)) % Math.max(rules, 1);
    const email = k % 4 === 0 && i % 50 === server ? `vip${i}@a.com` : `guest${k}@c.com`;
    const payload: JsonObject = {
      user: { id: `g${k}`, email, name: `User ${k}` },
      server: { id: `srv${server}`, name: `Server ${server}` },
      event: { name: 'User Visits Server', description: '' },
      date: '2026-11-20T10:00:00.000Z',
    };
    return { id: `e${k}`, type: 'user.visited', name: 'User Visits Server', payload };
  });
}

function baselineEngine(rules: number): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true });
  for (let i = 0; i < rules; i++) {
    engine.addRule({
      name: `rule-${i}`,
      conditions: {
        all: [
          { fact: 'server', path: '$.id', operator: 'equal', value: `srv${i % 50}` },
          {
            any: [
              { fact: 'user', path: '$.email', operator: 'in', value: [`vip${i}@a.com`, `boss${i}@b.com`] },
              { fact: 'user', path: '$.id', operator: 'equal', value: `u${i}` },
            ],
          },
        ],
      },
      event: { type: 'slack', params: { rule: i } },
    });
  }
  return engine;
}

/** Events per second over whole passes of `events`, for at least `minMs` (or until `budgetMs`); `matched` counts the first pass. */
async function rate(events: readonly BridgeEvent[], plan: (e: BridgeEvent) => unknown, minMs: number, budgetMs = Infinity): Promise<{ perSec: number; matched: number }> {
  let done = 0;
  let matched = 0;
  const start = performance.now();
  outer: for (;;) {
    for (const e of events) {
      const r = await plan(e);
      if (done < events.length) matched += r as number;
      done += 1;
      if (performance.now() - start > budgetMs) break outer;
    }
    if (performance.now() - start >= minMs) break;
  }
  return { perSec: done / ((performance.now() - start) / 1000), matched };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Times of bench/load-built.mjs on `file`: `loads` loads in one fresh process of the built code. */
function builtLoads(file: string, loads: number, mode: 'rules' | 'yaml'): number[] {
  const out = execFileSync(process.execPath, [join(REPO_ROOT, 'bench/load-built.mjs'), file, String(loads), ...(mode === 'yaml' ? ['yaml'] : [])], { encoding: 'utf8' });
  return JSON.parse(out) as number[];
}

buildBridge();
const dir = mkdtempSync(join(tmpdir(), 'bench-rules-'));

console.log(`rule evaluation, ${EVENTS} events per pass; ours = decide mode, no memory\n`);
console.log('rules   load+compile: first / reload   yaml parse alone   ours events/s   no index events/s   json-rules-engine events/s   ours/baseline   matches (ours, no index, baseline)');
for (const n of SIZES) {
  const text = rulesYaml(n);
  const file = join(dir, `rules-${n}.yaml`);
  writeFileSync(file, text);
  const [first = NaN, ...reloads] = builtLoads(file, 1 + RELOADS, 'rules');
  const [yamlMs = NaN] = builtLoads(file, 1, 'yaml');
  const loaded = loadRulesText(text, 'rules.yaml', {});
  if (!loaded.ok) throw new Error(loaded.errors.slice(0, 3).join('\n'));
  const rules = activeRules(loaded.rules);
  const events = eventsFor(n);
  const ctx = { now: 0, state: NO_STATE, mode: 'decide' as const };
  const ours = await rate(events, (e) => rules.plan(e, ctx).plan.matches.length, MIN_MS);
  const destinations = new Map([...loaded.rules.destinations].map(([name, d]) => [name, { kind: d.kind, config: d.config }]));
  const unindexed = compileRules({ file: loaded.rules.file, destinations }, registry, { index: false });
  const plain = await rate(events, (e) => planEvent(unindexed, e, ctx).plan.matches.length, MIN_MS, BASELINE_BUDGET_MS);
  const engine = baselineEngine(n);
  const base = await rate(
    events,
    async (e) => (await engine.run({ user: (e.payload as { user: unknown }).user, server: (e.payload as { server: unknown }).server })).events.length,
    MIN_MS,
    BASELINE_BUDGET_MS,
  );
  console.log(
    `${String(n).padStart(5)}   ${`${fmt(first)} / ${fmt(median(reloads))} ms`.padStart(26)}   ${`${fmt(yamlMs)} ms`.padStart(16)}   ${fmt(ours.perSec).padStart(13)}   ${fmt(plain.perSec).padStart(17)}   ${fmt(base.perSec).padStart(26)}   ${`${(ours.perSec / base.perSec).toFixed(0)}x`.padStart(13)}   ${ours.matched.toFixed(0)}, ${plain.matched.toFixed(0)}, ${base.matched.toFixed(0)}`,
  );
}
rmSync(dir, { recursive: true, force: true });
console.log('\ngoals: >= 100,000 events/s at 1,000 rules; >= 50,000 at 10,000; load <= 1,000 ms at 10,000');
console.log('load: built code, fresh process per size; first = `bridge check` and start-up (cold), reload = median of the next loads');
