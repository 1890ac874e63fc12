/**
 * `npm run bench:planner` (issue 10): what memory costs the planner, and what planning costs the
 * acknowledgement now that it runs behind the commit. Two parts, each beside a baseline measured in
 * the same run:
 *
 * 1. Planner throughput, in this process: EVENTS visits by USERS users are stored in a durable
 *    SQLite store (as `bridge serve` keeps it), then the real planner plans them all, timed from
 *    start to idle. Once with 100 stateful rules (each: a field test, a `count` over the user's
 *    last day and a `state.*` template, plus a cooldown per user), once with the same 100 rules
 *    without the memory parts. Visits are received 1 s apart and the cooldowns last 1 s, so both
 *    variants plan the same matches and write the same jobs: the difference is reading, computing
 *    and writing the memory. ROUNDS interleaved rounds, medians. Goal: stateful at least half the
 *    stateless rate.
 * 2. Ack latency at a fixed 1,000 events/s (open loop, `pacedLoad`) through HTTP into the built
 *    bridge (`dist/`, its own process, durable store, dry-run destinations), with the 100 stateful
 *    rules, beside the same bridge with no rules at all (nothing to plan).
 *
 * Knobs (environment): BENCH_EVENTS (default 2000), BENCH_ROUNDS (3), BENCH_RATE (1000),
 * BENCH_SECONDS (5 per ack run, after 1 s of warm-up). dist/ is rebuilt only when a source is newer.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { activeRules } from '../src/bridge/active-rules.js';
import { loadRulesFile } from '../src/config/load-rules.js';
import { silentLogger } from '../src/log.js';
import { createPlanner } from '../src/planner/create-planner.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { freePort } from '../test/e2e/free-port.js';
import { pacedLoad, percentile } from './paced-load.js';
import { newerSources } from '../src/cli/stale-build.js';
import { BUNDLED_BRIDGE, REPO_ROOT, buildBridge, spawnServer, stopAll } from './spawn-server.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const USERS = 500;
const RULES = 100;
const PATH = '/webhooks/returning-ai';

/** 100 rules; each visit's email domain `d<n>.example` matches rule n (n = user % 100). */
function rulesYaml(stateful: boolean): string {
  const rules = Array.from({ length: RULES }, (_, i) => {
    const field = `{ field: user.email_domain, equals: "d${i}.example" }`;
    const when = stateful ? `\n    when:\n      all:\n        - ${field}\n        - count: { key: user.id, within: 1d, gte: 1 }` : `\n    when: ${field}`;
    const cooldown = stateful ? '\n    cooldown: { key: user.id, for: 1s }' : '';
    const text = stateful ? 'visit {{ state.visits_total }} by {{ user.name }}' : 'visit by {{ user.name }}';
    return `
  - name: r${i}
    on: user.visited${when}${cooldown}
    actions: [{ slack: { destination: alerts, text: "${text}" } }]`;
  }).join('');
  return `version: 1
destinations:
  alerts: { kind: slack, token: "\${BENCH_UNSET_SLACK_TOKEN}", channel: "#bench" }
rules:${rules}
`;
}

const NO_RULES = 'version: 1\ndestinations: {}\nrules: []\n';

let seq = 0;
function visitBody(n: number): string {
  const user = n % USERS;
  return JSON.stringify({
    owner: { id: '1342', name: 'John Doe', email: 'johndoe@example.com' },
    user: { id: `u${user}`, firstName: 'Bench', lastName: `User${user}`, name: `Bench User${user}`, email: `bench-${user}@d${user % RULES}.example` },
    date: new Date(Date.UTC(2025, 8, 2) + n).toISOString(),
    event: { name: 'User Visits Server', description: 'Triggers when a user visits the server' },
    server: { id: '6502564c5c09c0a', name: "John's community" },
  });
}

const temp = (prefix: string): string => mkdtempSync(join(tmpdir(), prefix));

/** Stores EVENTS visits, 1 s apart in receive time, then times the planner from start to idle. */
async function planOnce(rulesFile: string): Promise<{ perSecond: number; jobs: number }> {
  const loaded = await loadRulesFile(rulesFile, {});
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  const rules = activeRules(loaded.rules);
  const dir = temp('bench-planner-');
  const log = silentLogger();
  let clock = Date.UTC(2026, 0, 5);
  const store = openSqliteStore({ dir, now: () => clock, log });
  try {
    const t0 = Date.UTC(2026, 0, 5);
    const accepts: Promise<unknown>[] = [];
    for (let n = 0; n < EVENTS; n++) {
      accepts.push(store.accept({ id: `e${n}`, type: 'user.visited', name: 'User Visits Server', payload: visitBody(n), rulesVersion: rules.version, receivedAt: t0 + n * 1000 }));
    }
    await Promise.all(accepts);
    clock = t0 + EVENTS * 1000;
    const planner = createPlanner({ store: store.planner, rules: () => rules, now: () => clock, log });
    const start = performance.now();
    planner.start();
    await planner.idle();
    const seconds = (performance.now() - start) / 1000;
    await planner.stop();
    if (planner.stats().events !== EVENTS || planner.stats().failed !== 0) throw new Error(`planned ${JSON.stringify(planner.stats())}`);
    return { perSecond: EVENTS / seconds, jobs: (await store.deliveries.counts()).pending };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: readonly number[]): number => percentile(xs, 50);

async function plannerPart(dir: string): Promise<string[]> {
  const files = { stateful: join(dir, 'stateful.yaml'), stateless: join(dir, 'stateless.yaml') };
  writeFileSync(files.stateful, rulesYaml(true));
  writeFileSync(files.stateless, rulesYaml(false));
  const rates: Record<'stateful' | 'stateless', number[]> = { stateful: [], stateless: [] };
  const jobs: Record<'stateful' | 'stateless', number> = { stateful: 0, stateless: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which goes first, so a slow spell of the machine weighs on both.
    const order = r % 2 === 0 ? (['stateless', 'stateful'] as const) : (['stateful', 'stateless'] as const);
    for (const variant of order) {
      const run = await planOnce(files[variant]);
      rates[variant].push(run.perSecond);
      jobs[variant] = run.jobs;
    }
  }
  if (jobs.stateful !== jobs.stateless) throw new Error(`the variants planned different work: ${JSON.stringify(jobs)}`);
  const stateful = median(rates.stateful);
  const stateless = median(rates.stateless);
  const ratio = stateful / stateless;
  return [
    `planner, ${EVENTS} visits by ${USERS} users, ${RULES} rules, each visit matching one (${jobs.stateful} jobs), median of ${ROUNDS} interleaved rounds:`,
    `  stateful  (count + cooldown + state.* per rule): ${stateful.toFixed(0)} events/s   (rounds: ${rates.stateful.map((x) => x.toFixed(0)).join(', ')})`,
    `  stateless (the same rules without memory):      ${stateless.toFixed(0)} events/s   (rounds: ${rates.stateless.map((x) => x.toFixed(0)).join(', ')})`,
    `  stateful / stateless = ${ratio.toFixed(2)}   (goal >= 0.5: ${ratio >= 0.5 ? 'met' : 'MISSED'})`,
  ];
}

async function ackPart(dir: string): Promise<string[]> {
  // The bridge as `npm start` runs it, compiled; building costs ~20 s on a busy 2-core machine, so only when stale.
  const script = newerSources(join(REPO_ROOT, 'src'), join(REPO_ROOT, 'dist', '.build-stamp')).length > 0 ? buildBridge() : BUNDLED_BRIDGE;
  const lines = [`ack latency at a fixed ${RATE} events/s over HTTP (${SECONDS} s after 1 s of warm-up, open loop), built bridge, durable store, dry-run destinations:`];
  const targets = [
    { name: `${RULES} stateful rules`, rules: rulesYaml(true) },
    { name: 'no rules (baseline)', rules: NO_RULES },
  ];
  for (const t of targets) {
    const data = temp('bench-planner-data-');
    const rulesFile = join(dir, `ack-${targets.indexOf(t)}.yaml`);
    writeFileSync(rulesFile, t.rules);
    const port = await freePort();
    const server = await spawnServer({ name: t.name, script, args: ['serve'], port, env: { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: data, RULES_FILE: rulesFile, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0' } });
    try {
      const load = (seconds: number) => pacedLoad({ url: `${server.url}${PATH}`, rate: RATE, seconds, connections: 50, next: () => ({ body: visitBody(seq++), headers: { 'content-type': 'application/json', 'webhook-id': `msg_bench_${seq}` } }) });
      await load(1);
      const run = await load(SECONDS);
      const status = (await (await fetch(`${server.url}/status`)).json()) as { planner: { events: number } };
      lines.push(
        `  ${t.name.padEnd(20)} p50 ${percentile(run.latencies, 50).toFixed(1)} ms, p99 ${percentile(run.latencies, 99).toFixed(1)} ms, max ${percentile(run.latencies, 100).toFixed(1)} ms; ${run.accepted}/${run.sent} acked, ${run.non2xx} non-2xx, ${run.errors} errors; planned ${status.planner.events} events by the end`,
      );
    } finally {
      await server.stop();
      rmSync(data, { recursive: true, force: true });
    }
  }
  return lines;
}

async function main(): Promise<void> {
  const dir = temp('bench-planner-rules-');
  const started = performance.now();
  try {
    const out = [`bench:planner on ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(2)}`, ''];
    out.push(...(await plannerPart(dir)), '');
    out.push(...(await ackPart(dir)), '');
    out.push(`${((performance.now() - started) / 1000).toFixed(0)} s; reproduce with: npm run bench:planner`);
    console.log(out.join('\n'));
  } finally {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
