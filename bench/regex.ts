/**
 * `npm run bench:regex`: what a `matches` condition costs on each candidate engine, next to
 * JavaScript's RegExp (the engine it replaced) in the same run.
 *
 * - re2js: RE2 ported to JavaScript (what the bridge uses).
 * - re2: Node bindings to Google's C++ RE2. Not a dependency: it has no prebuilt binary reachable
 *   from here, so `npm install` compiles RE2 and Abseil from source. To include it, install it by
 *   hand first (`npm install --no-save re2`); the bench skips it otherwise.
 *
 * Figures are ns per `test()` on typical rule patterns and field values, then on patterns from
 * issue 9 with hostile values: RegExp is measured on growing values until one test takes over
 * BUDGET_MS (the 79-character value of the issue would take far longer), RE2 on the full value.
 */
import { performance } from 'node:perf_hooks';

interface Engine {
  readonly name: string;
  compile(pattern: string, ignoreCase: boolean): { test(s: string): boolean };
}

const BUDGET_MS = Number(process.env.BENCH_REGEX_BUDGET_MS ?? 300);

async function engines(): Promise<Engine[]> {
  const list: Engine[] = [{ name: 'RegExp', compile: (p, i) => new RegExp(p, i ? 'i' : '') }];
  let t = performance.now();
  const { RE2JS } = await import('re2js');
  const re2jsLoad = performance.now() - t;
  list.push({ name: 're2js', compile: (p, i) => RE2JS.compile(p, i ? RE2JS.CASE_INSENSITIVE : 0) });
  console.log(`re2js: import ${re2jsLoad.toFixed(1)} ms`);
  t = performance.now();
  const native = 're2'; // a variable: not a dependency, so no types to resolve at build time
  try {
    const RE2 = ((await import(native)) as { default: new (p: string, f: string) => { test(s: string): boolean } }).default;
    console.log(`re2 (native): import ${(performance.now() - t).toFixed(1)} ms`);
    list.push({ name: 're2 (native)', compile: (p, i) => new RE2(p, i ? 'iu' : 'u') });
  } catch {
    console.log('re2 (native): not installed (npm install --no-save re2 builds it from source), skipped');
  }
  return list;
}

/** ns per call of `fn`, run for about `ms` after as long a warm-up (the JIT settles). */
function nsPerCall(fn: () => unknown, ms = 200): number {
  const warm = performance.now();
  while (performance.now() - warm < ms) for (let i = 0; i < 100; i++) fn();
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
    elapsed = performance.now() - start;
  }
  return (elapsed * 1e6) / n;
}

const pad = (s: string, n: number): string => s.padEnd(n);
const fmt = (ns: number): string => (ns >= 1e6 ? `${(ns / 1e6).toFixed(1)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(1)} µs` : `${ns.toFixed(0)} ns`);

const text1k = 'Loving the new release, thanks team! '.repeat(28);
const typical: [string, boolean, string][] = [
  ['^ceo@', true, 'CEO@example.com'],
  ['@(example|acme)\\.com$', true, 'jane.doe@example.com'],
  ['^(\\w+\\.?)+@example\\.com$', false, 'jane.doe.smith@example.com'],
  ['\\b(refund|cancel|chargeback)\\b', true, text1k],
  ['^\\d{4}-\\d{2}-\\d{2}T', false, '2025-09-02T10:00:00.000Z'],
];

const fields = (n: number): string => Array.from({ length: n }, () => 'x').join(',');
/** Issue 9's patterns, each with the hostile value of size n. */
const hostile: [string, (n: number) => string, number, number][] = [
  ['^(.*?,){11}P', (n) => fields(n), 12, 40],
  ['a*a*a*a*a*a*a*a*b', (n) => 'a'.repeat(n), 8, 200],
  ['(.*,){12}X', (n) => fields(n), 13, 40],
  // Fails on fewer than 20 a's, after trying every way of splitting them among the groups.
  ['(.*a){20}', (n) => 'a'.repeat(n), 10, 19],
];

const list = await engines();
const w = 40;
console.log(`\ntypical patterns, ns per test()\n${pad('pattern (value length)', w)}${list.map((e) => pad(e.name, 14)).join('')}`);
for (const [pattern, ignoreCase, value] of typical) {
  const cells = list.map((e) => {
    const re = e.compile(pattern, ignoreCase);
    return pad(fmt(nsPerCall(() => re.test(value))), 14);
  });
  console.log(`${pad(`${pattern}${ignoreCase ? ' (i)' : ''} (${value.length})`, w)}${cells.join('')}`);
}

const big = `${'x'.repeat(256 * 1024 - 6)}needle`;
console.log(`\na 256 KiB value (the default MAX_BODY_BYTES), 'needle$'`);
for (const e of list) {
  const re = e.compile('needle$', false);
  console.log(`  ${pad(e.name, 14)}${fmt(nsPerCall(() => re.test(big), 300))}`);
}

console.log(`\nissue 9's hostile patterns (one test() each; RegExp grows the value until one test takes ${BUDGET_MS} ms)`);
for (const [pattern, make, from, full] of hostile) {
  console.log(`${pattern}`);
  const regexp = new RegExp(pattern);
  const lines: string[] = [];
  for (let n = from; n <= full; n++) {
    const value = make(n);
    const t = performance.now();
    regexp.test(value);
    const ms = performance.now() - t;
    lines.push(`  RegExp        ${pad(`${value.length} chars`, 12)}${ms.toFixed(1)} ms`);
    if (ms > BUDGET_MS && n < full) {
      lines.push(`  RegExp        ${pad(`${make(full).length} chars`, 12)}not attempted (the time grows combinatorially with the length)`);
      break;
    }
  }
  console.log(lines.slice(-4).join('\n'));
  for (const e of list.slice(1)) {
    const re = e.compile(pattern, false);
    const value = make(full);
    console.log(`  ${pad(e.name, 14)}${pad(`${value.length} chars`, 12)}${fmt(nsPerCall(() => re.test(value), 100))}`);
  }
}
