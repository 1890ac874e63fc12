/**
 * `npm run bench:ingest`: how fast the bridge acknowledges signed visit events, next to an Express 5
 * hello-world server and a plain node:http server measured in the same run (issue 3).
 *
 * Every server is its own child process (its own event loop); this process only generates load,
 * with autocannon (50 connections, a unique event per request, Standard Webhooks signed). The
 * bridge runs `bridge serve` from the current sources on a fresh DATA_DIR with rules that need the
 * signature (HMAC verified on every request) and plan a HubSpot upsert for every visit and a Slack
 * alert for one in ten; destinations run dry (no credentials), so the dispatcher claims and settles
 * jobs in the same process while the intake commits, but no vendor fake competes for the CPU.
 * Beside each server's rate and CPU per answer it prints how busy its main thread (the event
 * loop) was and how idle the machine was during its turns: which of the two bounds its rate.
 *
 * Environment knobs: BENCH_SECONDS (default 10), BENCH_ROUNDS (5), BENCH_CONNECTIONS (50), BENCH_RATE (1000),
 * BENCH_LOG_LEVEL (the bridge's LOG_LEVEL, default info as `npm start`), BENCH_PROFILE=1 (write a
 * --cpu-prof of the bridge's max-rate run and print where its time went).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { EventEmitter } from 'node:events';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { signStandardWebhook } from '../src/receive/auth/verify-standard-webhook.js';
import { freePort } from '../test/e2e/free-port.js';
import { cpuSecondsOf, machineTicks, threadCpuSecondsOf } from './cpu-seconds.js';
import { pacedLoad, percentile } from './paced-load.js';
import { summariseProfile } from './profile-summary.js';
import { buildBridge, spawnServer, stopAll, type ServerProcess } from './spawn-server.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';
const PROFILE = process.env.BENCH_PROFILE === '1';
/** reliability.md §4.2 measured "10 s after a 3 s warm-up": long enough for V8 to optimise each server's hot path. */
const WARMUP_SECONDS = 3;
/** Interleaved rounds, so a noisy machine's slow spells weigh on all three targets alike. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** Unmeasured load at the start of each slice (see `load`). */
const SETTLE_SECONDS = 0.5;
const PATH = '/webhooks/returning-ai';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const RULES = `version: 1
auth:
  standard_webhooks: { secrets: ["\${BENCH_WEBHOOK_SECRET}"] }
destinations:
  alerts: { kind: slack, token: "\${BENCH_UNSET_SLACK_TOKEN}", channel: "#vip-visits" }
  crm: { kind: hubspot, access_token: "\${BENCH_UNSET_HUBSPOT_TOKEN}" }
rules:
  - name: vip-slack
    on: user.visited
    when: { field: user.email_domain, in: [bigcustomer.com] }
    actions: [{ slack: { destination: alerts, text: "VIP visit: {{ user.name }} ({{ user.email }})" } }]
  - name: crm-sync
    on: user.visited
    actions: [{ hubspot: { destination: crm, upsert_contact: { email: "{{ user.email }}", properties: { firstname: "{{ user.firstName }}", returning_last_visit: "{{ date }}" } } } }]
`;

let seq = 0;
/** A unique, signed visit (the express and node:http servers ignore the signature headers). */
function nextEvent(): { body: string; headers: Record<string, string> } {
  const n = seq++;
  const body = JSON.stringify({
    owner: { id: '1342', name: 'John Doe', email: 'johndoe@example.com' },
    user: { id: String(n), firstName: 'Bench', lastName: `User${n}`, name: `Bench User${n}`, email: `bench-${n}@${n % 10 === 0 ? 'bigcustomer.com' : 'example.com'}` },
    date: new Date(Date.UTC(2025, 8, 2) + n).toISOString(),
    event: { name: 'User Visits Server', description: 'Triggers when a user visits the server' },
    server: { id: '6502564c5c09c0a', name: "John's community" },
  });
  const id = `msg_bench_${n}`;
  const ts = Math.floor(Date.now() / 1000);
  return { body, headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signStandardWebhook(SECRET, id, ts, body) } };
}

interface Run {
  readonly target: string;
  readonly accepted: number;
  readonly seconds: number;
  readonly latencies: number[];
  readonly non2xx: number;
  readonly errors: number;
  /** CPU seconds the server used over its whole runs (settling load included), and the 2xx answers in them. */
  readonly cpuSeconds: number;
  readonly answered: number;
  /** Over the same runs: wall seconds, the CPU seconds of the server's main thread (its event loop), and the machine's idle and total clock ticks. */
  readonly wallSeconds: number;
  readonly loopSeconds: number;
  readonly idleTicks: number;
  readonly totalTicks: number;
}

/** CPU milliseconds per 1,000 2xx answers. */
const cpuPerThousand = (r: Run) => (r.answered > 0 ? (r.cpuSeconds / r.answered) * 1e6 : 0);

/** 0 for a run that measured no time (no response came after its settling load). */
const perSecond = (r: Run) => (r.seconds > 0 ? r.accepted / r.seconds : 0);

/**
 * One closed-loop autocannon run of `settle + seconds`; only responses after the first `settle`
 * seconds count (each 2xx's latency is kept, so rounds combine exactly). A server idle while the
 * others had their turn is thus measured warm: each round opens 50 new connections, and the
 * bridge takes ~0.5 s to get back to speed (measured: ~1,950/s in its first 250 ms, ~3,300/s
 * after), which 2-second slices would otherwise mostly measure.
 */
async function load(url: string, seconds: number, connections: number, settle = 0, pid?: number): Promise<Run> {
  const latencies: number[] = [];
  let accepted = 0;
  let answered = 0;
  const cpuBefore = pid === undefined ? 0 : cpuSecondsOf(pid);
  const loopBefore = pid === undefined ? 0 : threadCpuSecondsOf(pid);
  const machineBefore = machineTicks();
  let windowStart = Number.POSITIVE_INFINITY;
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}${PATH}`,
        method: 'POST',
        connections,
        duration: settle + seconds,
        requests: [
          {
            setupRequest: (req) => {
              const { body, headers } = nextEvent();
              return { ...req, body, headers: { ...req.headers, ...headers } };
            },
          },
        ],
      },
      (err, res) => (err ? reject(err as Error) : resolve(res)),
    );
    (instance as unknown as EventEmitter).on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      const now = performance.now();
      if (status >= 200 && status < 300) answered += 1;
      if (now - started < settle * 1000) return;
      windowStart = Math.min(windowStart, now);
      if (status >= 200 && status < 300) {
        accepted += 1;
        latencies.push(ms);
      }
    });
  });
  const measured = windowStart === Number.POSITIVE_INFINITY ? 0 : (performance.now() - windowStart) / 1000;
  const cpuSeconds = pid === undefined ? 0 : cpuSecondsOf(pid) - cpuBefore;
  const loopSeconds = pid === undefined ? 0 : threadCpuSecondsOf(pid) - loopBefore;
  const machine = machineTicks();
  return {
    target: url, accepted, seconds: measured, latencies, non2xx: result.non2xx, errors: result.errors, cpuSeconds, answered,
    wallSeconds: (performance.now() - started) / 1000, loopSeconds, idleTicks: machine.idle - machineBefore.idle, totalTicks: machine.total - machineBefore.total,
  };
}

/**
 * Each target gets SECONDS of load in ROUNDS slices, the targets taking turns (rotated each round),
 * so a noisy neighbour on the machine weighs on all three alike rather than on whichever ran last.
 * Each slice is preceded by SETTLE_SECONDS of the same load, not counted (see `load`).
 */
async function maxRate(targets: readonly { name: string; server: ServerProcess }[]): Promise<{ runs: Run[]; roundRates: number[][] }> {
  for (const t of targets) await load(t.server.url, WARMUP_SECONDS, CONNECTIONS);
  const runs = targets.map((t) => ({ target: t.name, accepted: 0, seconds: 0, latencies: [] as number[], non2xx: 0, errors: 0, cpuSeconds: 0, answered: 0, wallSeconds: 0, loopSeconds: 0, idleTicks: 0, totalTicks: 0 }));
  const roundRates: number[][] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const rates = targets.map(() => 0);
    for (let k = 0; k < targets.length; k++) {
      const i = (k + round) % targets.length;
      const t = targets[i];
      const run = runs[i];
      if (t === undefined || run === undefined) continue;
      const r = await load(t.server.url, SECONDS / ROUNDS, CONNECTIONS, SETTLE_SECONDS, t.server.pid);
      rates[i] = perSecond(r);
      run.accepted += r.accepted;
      run.seconds += r.seconds;
      run.non2xx += r.non2xx;
      run.errors += r.errors;
      run.cpuSeconds += r.cpuSeconds;
      run.answered += r.answered;
      run.wallSeconds += r.wallSeconds;
      run.loopSeconds += r.loopSeconds;
      run.idleTicks += r.idleTicks;
      run.totalTicks += r.totalTicks;
      for (const ms of r.latencies) run.latencies.push(ms);
    }
    roundRates.push(rates);
    process.stderr.write(`  round ${round + 1}/${ROUNDS}: ${runs.map((r, i) => `${r.target.split(' ')[0]} ${Math.round(rates[i] ?? 0)}/s`).join(', ')}\n`);
  }
  return { runs, roundRates };
}

function table(rows: readonly Run[]): string {
  const head = ['target', 'accepted', 'accepted/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'];
  const ms = (v: number) => v.toFixed(1);
  const body = rows.map((r) => [r.target, String(r.accepted), perSecond(r).toFixed(0), ms(percentile(r.latencies, 50)), ms(percentile(r.latencies, 99)), String(r.non2xx), String(r.errors)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]?.length ?? 0)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

async function main(): Promise<number> {
  const dirs: string[] = [];
  const tempDir = (prefix: string) => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
  const onSignal = () => void stopAll().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const rulesDir = tempDir('bench-rules-');
    const rulesFile = join(rulesDir, 'rules.yaml');
    writeFileSync(rulesFile, RULES);
    const profileDir = tempDir('bench-prof-');
    const bridgeEnv = (dataDir: string) => ({
      RULES_FILE: rulesFile,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      LOG_LEVEL,
      RATE_LIMIT_PER_MINUTE: '0',
      BENCH_WEBHOOK_SECRET: SECRET,
    });
    const bridgeScript = buildBridge();
    const bridge = (name: string, nodeArgs: string[] = []) =>
      freePort().then((port) => spawnServer({ name, script: bridgeScript, args: ['serve'], port, env: { ...bridgeEnv(tempDir('bench-data-')), PORT: String(port) }, nodeArgs }));
    const hello = (name: string, script: string) => freePort().then((port) => spawnServer({ name, script, args: [String(port)], port }));

    process.stderr.write(`starting servers (one process each); ${SECONDS} s of load per target at ${CONNECTIONS} connections after a ${WARMUP_SECONDS} s warm-up\n`);
    const [express, nodeHttp, bridgeMax, bridgeRate] = await Promise.all([
      hello('express', 'bench/servers/express-hello.ts'),
      hello('node:http', 'bench/servers/node-http-hello.ts'),
      bridge('bridge', PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      bridge('bridge @rate'),
    ]);

    const load1 = loadavg()[0] ?? 0;
    const { runs: rows, roundRates } = await maxRate([
      { name: 'express 5 hello world (express.json)', server: express },
      { name: 'node:http hello world', server: nodeHttp },
      { name: 'bridge (signed, durable)', server: bridgeMax },
    ]);
    await bridgeMax.stop();

    // Fixed rate against a fresh bridge (empty store), after a 1 s warm-up at the same rate.
    process.stderr.write(`  fixed rate: ${RATE}/s for ${SECONDS} s, twice\n`);
    const paced = (seconds: number) => pacedLoad({ url: `${bridgeRate.url}${PATH}`, rate: RATE, seconds, connections: CONNECTIONS, next: nextEvent });
    await paced(WARMUP_SECONDS);
    const fixed = await paced(SECONDS);
    // The same rate for as long again, straight after: the first window holds the store's first
    // growth (new WAL and database pages) and the JIT's; this one is the bridge in its stride.
    const steady = await paced(SECONDS);
    const load2 = loadavg()[0] ?? 0;

    const [ex, nh, br] = rows as [Run, Run, Run];
    const vsExpress = perSecond(br) / perSecond(ex);
    const vsNode = perSecond(br) / perSecond(nh);
    const p99 = percentile(fixed.latencies, 99);
    const failures = [...rows, { target: `bridge at ${RATE}/s`, non2xx: fixed.non2xx + steady.non2xx, errors: fixed.errors + steady.errors }]
      .filter((r) => r.non2xx > 0 || r.errors > 0)
      .map((r) => `${r.target}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    for (const w of [fixed, steady]) if (w.errors > 0) failures.push(`  client errors at ${RATE}/s: ${JSON.stringify(w.errorCodes)}`);
    const out = [
      '',
      `ingest benchmark: ${SECONDS} s per target (${ROUNDS} interleaved rounds, each after ${SETTLE_SECONDS} s of unmeasured load), ${CONNECTIONS} connections, node ${process.version}, ${cpus().length} CPUs, load average ${load1.toFixed(2)} -> ${load2.toFixed(2)}, bridge LOG_LEVEL=${LOG_LEVEL}`,
      '',
      table(rows),
      '',
      `bridge / express:   ${(vsExpress * 100).toFixed(0)}%   (target >= 70%: ${vsExpress >= 0.7 ? 'met' : 'MISSED'}); by round: ${roundRates.map((r) => `${(((r[2] ?? 0) / (r[0] || 1)) * 100).toFixed(0)}%`).join(' ')}`,
      `bridge / node:http: ${(vsNode * 100).toFixed(0)}%`,
      `CPU per 1,000 answered (the server process, all its threads; a figure the machine's other load moves less): ${rows.map((r) => `${r.target.split(' ')[0]} ${cpuPerThousand(r).toFixed(0)} ms`).join(', ')};`,
      `  express / bridge CPU: ${((cpuPerThousand(ex) / (cpuPerThousand(br) || 1)) * 100).toFixed(0)}% (the rate ratio one busy core would give)`,
      `Main thread (the event loop) busy, of one core, during each server's turns: ${rows.map((r) => `${r.target.split(' ')[0]} ${(r.wallSeconds > 0 ? r.loopSeconds / r.wallSeconds : 0).toFixed(2)}`).join(', ')};`,
      `  the machine idle meanwhile: ${rows.map((r) => `${r.target.split(' ')[0]} ${(r.totalTicks > 0 ? (100 * r.idleTicks) / r.totalTicks : 0).toFixed(0)}%`).join(', ')} (a main thread near 1.00 with the machine idle is bound by its event loop, not by the CPUs)`,
      '',
      `bridge at a fixed ${RATE} events/s for ${SECONDS} s (open loop, even spacing, fresh store): ${fixed.accepted}/${fixed.sent} accepted (${(fixed.accepted / fixed.seconds).toFixed(0)}/s),`,
      `  ack p50 ${percentile(fixed.latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${percentile(fixed.latencies, 100).toFixed(1)} ms   (target p99 < 25 ms: ${p99 < 25 ? 'met' : 'MISSED'});`,
      `  load generator lag behind schedule p99 ${percentile(fixed.lags, 99).toFixed(1)} ms`,
      `  the next ${SECONDS} s at the same rate: ${steady.accepted}/${steady.sent} accepted, ack p50 ${percentile(steady.latencies, 50).toFixed(1)} ms, p99 ${percentile(steady.latencies, 99).toFixed(1)} ms, max ${percentile(steady.latencies, 100).toFixed(1)} ms; lag p99 ${percentile(steady.lags, 99).toFixed(1)} ms`,
      ...(failures.length > 0 ? ['', 'WARNING, requests that did not get a 2xx:', ...failures] : []),
      '',
      `reproduce: npm run bench:ingest   (defaults: BENCH_SECONDS=10 BENCH_ROUNDS=5 BENCH_CONNECTIONS=50 BENCH_RATE=1000 BENCH_LOG_LEVEL=info; BENCH_PROFILE=1 adds a CPU profile)`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
    if (PROFILE) {
      const [prof] = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
      process.stdout.write(prof ? `\nbridge CPU profile (max-rate run), self time by module:\n${summariseProfile(join(profileDir, prof))}\n` : '\nno CPU profile was written\n');
    }
    return 0;
  } finally {
    await stopAll();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench:ingest failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
