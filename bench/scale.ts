/**
 * `npm run bench:scale` (~2 min): what more bridge processes on one PostgreSQL buy (issue 12), in one run.
 *
 * 1. Ingest: accepted events/s of 1, 2 and 4 bridges on PostgreSQL (50 connections spread over
 *    them, a unique visit each, rules that plan a dry-run HubSpot upsert per visit), against one
 *    bridge on SQLite under the same load: BENCH_SECONDS (default 5) after a 2 s warm-up each.
 * 2. Delivery: BENCH_DELIVERIES visits (default 2,000) spread over 50 Discord webhook destinations
 *    (one lane each), posted to 1 and then 2 bridges on PostgreSQL, to a fake Discord that takes
 *    100 ms a call; jobs delivered per second from the first post to the last message received.
 *
 * Every bridge is the built bundle in its own process; PostgreSQL is a throwaway cluster at its
 * defaults (or TEST_DATABASE_URL). On a 2-core machine every process here shares the same two
 * cores with PostgreSQL and the load generator, which bounds what more processes can add.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { startFakeDiscord } from '../test/fakes/fake-discord.js';
import { freshDatabase } from '../test/pg/fresh-database.js';
import { startThrowawayCluster } from '../test/pg/throwaway-cluster.js';
import { freePort } from '../test/e2e/free-port.js';
import { buildBridge, spawnServer, stopAll, type ServerProcess } from './spawn-server.js';
import { cpuSecondsOf, cpuSecondsOfCommand, ownCpuSeconds } from './cpu-seconds.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 2000);
const CONNECTIONS = 50;
const LANES = 50;
/** BENCH_ONLY=ingest or delivery runs one half. */
const ONLY = process.env.BENCH_ONLY;
/** BENCH_CPU_PROF=<dir> writes each bridge's --cpu-prof there. */
const PROFILE: readonly string[] = process.env.BENCH_CPU_PROF === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`];
const PATH = '/webhooks/returning-ai';

const INGEST_RULES = `version: 1
destinations:
  crm: { kind: hubspot, access_token: "\${BENCH_UNSET_HUBSPOT_TOKEN}" }
rules:
  - name: crm-sync
    on: user.visited
    actions: [{ hubspot: { destination: crm, upsert_contact: { email: "{{ user.email }}", properties: { firstname: "{{ user.firstName }}" } } } }]
`;

const webhookId = (i: number) => String(600_000_000_000_000_000n + BigInt(i));
/** The webhook URLs, as secrets are given: in the environment. */
const HOOKS = Object.fromEntries(Array.from({ length: LANES }, (_, i) => [`BENCH_DISCORD_HOOK_${i}`, `https://discord.com/api/webhooks/${webhookId(i)}/${'t'.repeat(68)}`]));
const DELIVERY_RULES = `version: 1
destinations:
${Array.from({ length: LANES }, (_, i) => `  d${i}: { kind: discord, webhook_url: "\${BENCH_DISCORD_HOOK_${i}}" }`).join('\n')}
rules:
${Array.from({ length: LANES }, (_, i) => `  - name: r${i}
    on: user.visited
    when: { field: user.email_domain, equals: "d${i}.example" }
    actions: [{ discord: { destination: d${i}, content: "visit {{ user.name }}" } }]`).join('\n')}
`;

let seq = 0;
function visit(): string {
  const n = seq++;
  return JSON.stringify({
    owner: { id: '1342', name: 'John Doe', email: 'johndoe@example.com' },
    user: { id: String(n), firstName: 'Bench', lastName: `User${n}`, name: `k${n}k`, email: `u${n}@d${n % LANES}.example` },
    date: new Date(Date.UTC(2025, 8, 2) + n).toISOString(),
    event: { name: 'User Visits Server', description: 'Triggers when a user visits the server' },
    server: { id: '6502564c5c09c0a', name: 'Bench community' },
  });
}

/** Where a run's CPU went: the bridges, PostgreSQL, and this process (load generator and fake vendor). */
interface CpuUse {
  readonly bridges: number;
  readonly postgres: number;
  readonly bench: number;
}
const cpuNow = (group: readonly ServerProcess[]): CpuUse => ({
  bridges: group.reduce((sum, b) => sum + cpuSecondsOf(b.pid), 0),
  postgres: cpuSecondsOfCommand('postgres'),
  bench: ownCpuSeconds(),
});
const cpuSince = (before: CpuUse, group: readonly ServerProcess[]): CpuUse => {
  const after = cpuNow(group);
  return { bridges: after.bridges - before.bridges, postgres: after.postgres - before.postgres, bench: after.bench - before.bench };
};
/** "CPU 9.1 of 13.0 core-s: bridges 5.0, PostgreSQL 1.6, load + fake vendor 2.5" for a run of `seconds`. */
const cpuLine = (use: CpuUse, seconds: number, count: number, unit = 'a job'): string => {
  const f = (v: number) => v.toFixed(1);
  const used = use.bridges + use.postgres + use.bench;
  return `CPU ${f(used)} of ${f(seconds * cpus().length)} core-s (bridges ${f(use.bridges)}, ${((use.bridges / count) * 1000).toFixed(2)} ms ${unit}; PostgreSQL ${f(use.postgres)}; load generator + fake vendor ${f(use.bench)})`;
};

/** How many of `times` (performance.now() readings) fell in each whole second after `start`. */
function callsBySecond(times: readonly number[], start: number): number[] {
  const counts: number[] = [];
  for (const t of times) {
    const second = Math.floor((t - start) / 1000);
    counts[second] = (counts[second] ?? 0) + 1;
  }
  return Array.from(counts, (c) => c ?? 0);
}

/** Closed-loop load on `urls`, the connections spread over them: accepted/s summed after `settle` s, and all accepted (the settling included). */
async function ingest(urls: readonly string[], seconds: number, settle: number): Promise<{ rate: number; accepted: number }> {
  const per = Math.max(1, Math.floor(CONNECTIONS / urls.length));
  const counts = await Promise.all(
    urls.map(
      (url) =>
        new Promise<{ accepted: number; all: number; seconds: number }>((resolve, reject) => {
          let accepted = 0;
          let all = 0;
          let first = Number.POSITIVE_INFINITY;
          const started = performance.now();
          const instance = autocannon(
            {
              url: `${url}${PATH}`,
              method: 'POST',
              connections: per,
              duration: settle + seconds,
              requests: [{ setupRequest: (req) => ({ ...req, body: visit(), headers: { ...req.headers, 'content-type': 'application/json' } }) }],
            },
            (err) => (err ? reject(err as Error) : resolve({ accepted, all, seconds: (performance.now() - first) / 1000 })),
          );
          instance.on('response', (_c: unknown, status: number) => {
            const now = performance.now();
            if (status >= 200 && status < 300) all += 1;
            if (now - started < settle * 1000) return;
            first = Math.min(first, now);
            if (status >= 200 && status < 300) accepted += 1;
          });
        }),
    ),
  );
  return {
    rate: counts.reduce((sum, c) => sum + (c.seconds > 0 ? c.accepted / c.seconds : 0), 0),
    accepted: counts.reduce((sum, c) => sum + c.all, 0),
  };
}

async function main(): Promise<void> {
  const dirs: string[] = [];
  const tempDir = (prefix: string) => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
  const given = process.env.TEST_DATABASE_URL;
  const cluster = given === undefined ? await startThrowawayCluster() : undefined;
  const adminUrl = cluster?.url ?? given ?? '';
  const script = buildBridge();
  const load1 = loadavg()[0] ?? 0;
  try {
    const rulesDir = tempDir('bench-scale-');
    const ingestRules = join(rulesDir, 'ingest.yaml');
    const deliveryRules = join(rulesDir, 'delivery.yaml');
    writeFileSync(ingestRules, INGEST_RULES);
    writeFileSync(deliveryRules, DELIVERY_RULES);
    const bridges = async (n: number, env: Record<string, string>): Promise<ServerProcess[]> => {
      const out: ServerProcess[] = [];
      for (let i = 0; i < n; i++) {
        const port = await freePort();
        out.push(await spawnServer({ name: `bridge ${i}`, script, args: ['serve'], port, env: { LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0', DATA_DIR: tempDir('bench-data-'), PORT: String(port), ...env }, nodeArgs: PROFILE }));
      }
      return out;
    };

    // 1. Ingest.
    const ingestRows: [string, number, string][] = [];
    const measureIngest = async (label: string, group: readonly ServerProcess[]): Promise<void> => {
      const started = performance.now();
      const cpuBefore = cpuNow(group);
      const { rate, accepted } = await ingest(group.map((b) => b.url), SECONDS, 2);
      ingestRows.push([label, rate, cpuLine(cpuSince(cpuBefore, group), (performance.now() - started) / 1000, accepted, 'an event')]);
    };
    if (ONLY !== 'delivery') {
      const sqlite = await bridges(1, { RULES_FILE: ingestRules });
      await measureIngest('1 bridge, SQLite', sqlite);
      await Promise.all(sqlite.map((b) => b.stop()));
    }
    for (const n of ONLY === 'delivery' ? [] : [1, 2, 4]) {
      const db = await freshDatabase('bench', adminUrl);
      const group = await bridges(n, { RULES_FILE: ingestRules, DATABASE_URL: db.url });
      await measureIngest(`${n} bridge${n > 1 ? 's' : ''}, PostgreSQL`, group);
      await Promise.all(group.map((b) => b.stop()));
      await db.drop();
      process.stderr.write(`  ingest: ${ingestRows.map(([k, v]) => `${k} ${Math.round(v)}/s`).join(', ')}\n`);
    }

    // 2. Delivery through 50 lanes to a vendor that takes 100 ms a call.
    const discord = await startFakeDiscord();
    const callTimes: number[] = [];
    const slowVendor = () => { callTimes.push(performance.now()); return new Promise<undefined>((r) => setTimeout(() => r(undefined), 100)); };
    const deliveryRows: [string, number, string][] = [];
    for (const n of ONLY === 'ingest' ? [] : [1, 2]) {
      discord.reset(); // (the hook too)
      discord.intercept(slowVendor);
      const db = await freshDatabase('bench', adminUrl);
      const group = await bridges(n, { ...HOOKS, RULES_FILE: deliveryRules, DATABASE_URL: db.url, DISCORD_API_URL: discord.apiUrl });
      // Until every lane has an owner (a newcomer gets its share at the next heartbeats, 5 s apart).
      await new Promise((r) => setTimeout(r, n > 1 ? 11_000 : 500));
      const started = performance.now();
      const cpuBefore = cpuNow(group);
      let k = 0;
      await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
        for (let i = k++; i < DELIVERIES; i = k++) {
          const res = await fetch(`${group[i % n]?.url}${PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: visit() });
          await res.arrayBuffer();
        }
      }));
      const postedAt = performance.now();
      while (discord.messages.length < DELIVERIES) {
        if (performance.now() - started > 180_000) throw new Error(`only ${discord.messages.length} of ${DELIVERIES} delivered after 180 s`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const seconds = (performance.now() - started) / 1000;
      process.stderr.write(`  posted in ${((postedAt - started) / 1000).toFixed(2)} s, delivered in ${seconds.toFixed(2)} s; vendor calls by second: ${callsBySecond(callTimes, started).join(' ')}\n`);
      callTimes.length = 0;
      deliveryRows.push([`${n} bridge${n > 1 ? 's' : ''}, PostgreSQL`, DELIVERIES / seconds, cpuLine(cpuSince(cpuBefore, group), seconds, DELIVERIES)]);
      await Promise.all(group.map((b) => b.stop()));
      await db.drop();
      process.stderr.write(`  delivery: ${deliveryRows.map(([k2, v]) => `${k2} ${Math.round(v)}/s`).join(', ')}\n`);
    }
    await discord.close();

    const sqliteRate = ingestRows[0]?.[1] ?? 1;
    const oneDelivery = deliveryRows[0]?.[1] ?? 1;
    const twoDelivery = deliveryRows[1]?.[1] ?? 0;
    process.stdout.write(
      [
        '',
        `scale-out benchmark: node ${process.version}, ${cpus().length} CPUs, load average ${load1.toFixed(2)} -> ${(loadavg()[0] ?? 0).toFixed(2)}`,
        '',
        `ingest (${CONNECTIONS} connections spread over the bridges, ${SECONDS} s after 2 s of warm-up)`,
        ...ingestRows.map(([k, v, cpu]) => `  ${k.padEnd(24)} ${Math.round(v).toString().padStart(6)} events/s   ${(v / sqliteRate).toFixed(2)}x one bridge on SQLite   ${cpu}`),
        '',
        `delivery (${DELIVERIES} jobs over ${LANES} Discord webhook lanes, the vendor taking 100 ms a call)`,
        ...deliveryRows.map(([k, v, cpu]) => `  ${k.padEnd(24)} ${Math.round(v).toString().padStart(6)} jobs/s   ${cpu}`),
        ...(deliveryRows.length < 2 ? [] : [`  2 bridges / 1: ${(twoDelivery / oneDelivery).toFixed(2)}x   (goal >= 1.7x: ${twoDelivery / oneDelivery >= 1.7 ? 'met' : 'MISSED'})`]),
        '',
        'reproduce: npm run bench:scale   (BENCH_SECONDS, BENCH_DELIVERIES, BENCH_ONLY=ingest|delivery, BENCH_CPU_PROF=<dir>, TEST_DATABASE_URL)',
        '',
      ].join('\n'),
    );
  } finally {
    await stopAll();
    await cluster?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

await main();
