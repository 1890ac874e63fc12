/**
 * `npm run bench:hubspot`: 1,000 visit events (distinct emails) through the real bridge (`bridge
 * serve` from the current sources, as a child process: HTTP intake, rules, SQLite store,
 * dispatcher, the @hubspot/api-client sender) to a fake HubSpot in this process that enforces 100
 * requests per rolling 10 s and answers 429 TEN_SECONDLY_ROLLING beyond (issue 3). Prints the API
 * calls made (target: 12 or fewer), the 429s, and the drain time next to the theoretical minimum
 * under that limit.
 *
 * BENCH_EVENTS (default 1000) and BENCH_CONCURRENCY (default 25, the sender's parallel POSTs) are
 * the knobs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { freePort } from '../test/e2e/free-port.js';
import { startFakeHubspot, type FakeHubspot } from '../test/fakes/fake-hubspot.js';
import { createPoster } from './post-json.js';
import { buildBridge, spawnServer, stopAll } from './spawn-server.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 25);
const LIMIT = 100;
const WINDOW_MS = 10_000;
const MAX_BATCH = 100; // HubSpot batch upsert takes up to 100 inputs

const RULES = `version: 1
destinations:
  crm: { kind: hubspot, access_token: "\${HUBSPOT_ACCESS_TOKEN}", requests_per_10s: ${LIMIT} }
rules:
  - name: visit-hubspot-sync
    on: user.visited
    actions:
      - hubspot:
          destination: crm
          upsert_contact: { email: "{{ user.email }}", properties: { firstname: "{{ user.firstName }}", returning_last_visit: "{{ date }}" } }
`;

const visit = (n: number) =>
  JSON.stringify({
    owner: { id: '1342', name: 'John Doe', email: 'johndoe@example.com' },
    user: { id: String(n), firstName: `Visitor${n}`, lastName: 'Bench', name: `Visitor${n} Bench`, email: `visitor-${n}@example.com` },
    date: new Date(Date.UTC(2025, 8, 2) + n * 1000).toISOString(),
    event: { name: 'User Visits Server', description: 'Triggers when a user visits the server' },
    server: { id: '6502564c5c09c0a', name: "John's community" },
  });

/**
 * Which recorded calls the fake refused: it accepts a call when fewer than LIMIT calls were
 * accepted in the WINDOW_MS before it (its documented rolling window), so replaying its rule over
 * the arrival times tells the 429s apart without touching the fake.
 */
function refused(times: readonly number[]): boolean[] {
  const accepted: number[] = [];
  return times.map((t) => {
    const inWindow = accepted.filter((a) => t - a < WINDOW_MS).length;
    if (inWindow >= LIMIT) return true;
    accepted.push(t);
    return false;
  });
}

async function main(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-hubspot-'));
  let hubspot: FakeHubspot | undefined;
  const onSignal = () => void stopAll().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    hubspot = await startFakeHubspot({ rateLimit: { limit: LIMIT, windowMs: WINDOW_MS } });
    const rulesFile = join(dataDir, 'rules.yaml');
    writeFileSync(rulesFile, RULES);
    const bridgeScript = buildBridge();
    const port = await freePort();
    const bridge = await spawnServer({
      name: 'bridge',
      script: bridgeScript,
      args: ['serve'],
      port,
      env: { PORT: String(port), HOST: '127.0.0.1', RULES_FILE: rulesFile, DATA_DIR: dataDir, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0', HUBSPOT_ACCESS_TOKEN: 'pat-bench', HUBSPOT_API_URL: hubspot.url },
    });
    const url = `${bridge.url}/webhooks/returning-ai`;
    const jobCounts = () => {
      const db = new Database(join(dataDir, 'bridge.db'), { readonly: true });
      try {
        const rows = db.prepare<[], { status: string; n: number }>('SELECT status, count(*) AS n FROM jobs GROUP BY status').all();
        return Object.fromEntries(rows.map((r) => [r.status, r.n])) as Record<string, number>;
      } finally {
        db.close();
      }
    };

    // The sender: CONCURRENCY loops posting the events as fast as the bridge acknowledges them (a
    // burst). A few requests first, so the bridge's code is warm (they match no rule).
    const poster = createPoster(url, CONCURRENCY);
    for (let i = 0; i < 50; i++) await poster.post('{"event":{"name":"warm-up"}}', { 'content-type': 'application/json' }).catch(() => 0);
    const t0 = performance.now();
    const wall0 = Date.now();
    let next = 0;
    let lastAck = 0;
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let n = next++; n < EVENTS; n = next++) {
          const status = await poster.post(visit(n), { 'content-type': 'application/json', 'webhook-id': `msg_hubspot_${n}` });
          if (status !== 202) failures.push(`event ${n}: HTTP ${status}`);
          lastAck = performance.now();
        }
      }),
    );
    const ingestMs = lastAck - t0;
    poster.close();

    const fake = hubspot;
    await fake.waitFor(() => fake.contacts.size >= EVENTS - failures.length, 120_000);
    // Every job settled (its outcome recorded), not just sent.
    let counts = jobCounts();
    while ((counts.pending ?? 0) + (counts.running ?? 0) > 0) {
      await new Promise((r) => setTimeout(r, 20));
      counts = jobCounts();
    }
    const doneMs = performance.now() - t0;
    await bridge.stop();
    const calls = fake.upsertCalls();
    const no = refused(calls.map((c) => c.at));
    const ok = calls.filter((_, i) => !no[i]);
    const sizes = ok.map((c) => (c.json as { inputs: unknown[] }).inputs.length);
    const lastUpsertMs = (ok.at(-1)?.at ?? wall0) - wall0;

    // The limit spaces calls evenly, LIMIT per WINDOW_MS: one every WINDOW_MS / LIMIT ms. EVENTS
    // contacts need at least ceil(EVENTS / MAX_BATCH) calls; the last of them can start no sooner
    // than (calls - 1) spacings after the first, nor before the last event has arrived.
    const minCalls = Math.ceil(EVENTS / MAX_BATCH);
    const spacing = WINDOW_MS / LIMIT;
    const minDrainMs = Math.max((minCalls - 1) * spacing, ingestMs);

    const rows: [string, string][] = [
      ['events sent (distinct emails)', `${EVENTS} (${CONCURRENCY} concurrent senders)`],
      ['contacts in HubSpot', String(fake.contacts.size)],
      ['jobs done / dead / ambiguous', `${counts.done ?? 0} / ${counts.dead ?? 0} / ${counts.ambiguous ?? 0}`],
      ['API calls (batch upserts)', `${calls.length}   (target <= 12; minimum ceil(${EVENTS}/${MAX_BATCH}) = ${minCalls})`],
      ['429s received', String(no.filter(Boolean).length)],
      ['contacts per call', `${sizes.join(', ')}`],
      ['ingest time (first POST to last ack)', `${(ingestMs / 1000).toFixed(2)} s`],
      ['drain time (first event to last upsert)', `${(lastUpsertMs / 1000).toFixed(2)} s   (every job settled after ${(doneMs / 1000).toFixed(2)} s)`],
      ['theoretical minimum drain', `${(minDrainMs / 1000).toFixed(2)} s = max((${minCalls} - 1) calls x ${spacing} ms spacing, ingest time)`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    const out = [
      '',
      `hubspot benchmark: fake HubSpot limited to ${LIMIT} requests per ${WINDOW_MS / 1000} s (rolling), node ${process.version}`,
      '',
      ...rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`),
      ...(failures.length > 0 ? ['', 'WARNING, events not accepted:', ...failures.slice(0, 10)] : []),
      '',
      `reproduce: npm run bench:hubspot   (defaults: BENCH_EVENTS=${EVENTS} BENCH_CONCURRENCY=${CONCURRENCY})`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
    return 0;
  } finally {
    await stopAll();
    await hubspot?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench:hubspot failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
