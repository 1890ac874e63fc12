/**
 * `npm run bench:hubspot`: 1,000 visit events (distinct emails) through the real bridge (`bridge
 * serve` from the current sources, as a child process: HTTP intake, rules, SQLite store,
 * dispatcher, the @hubspot/api-client sender) to a fake HubSpot in this process that enforces 100
 * requests per rolling 10 s and answers 429 TEN_SECONDLY_ROLLING beyond (issue 3). Every visit
 * upserts its contact and adds a note to it (issue 14). Prints the API calls made (upserts and
 * note batches), the 429s, and the drain time next to the theoretical minimum under that limit;
 * and, as the baseline, the calls the same notes cost one by one (`basicApi.create`, what the
 * bridge did before), counted in the same run against an unlimited fake.
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
import type { RecordedCall } from '../test/fakes/fake-server.js';
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
          note: "Visited {{ server.name }} on {{ date }}"
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
    await fake.waitFor(() => fake.notes.length >= EVENTS - failures.length, 120_000);
    // Every job settled (its outcome recorded), not just sent.
    let counts = jobCounts();
    while ((counts.pending ?? 0) + (counts.running ?? 0) > 0) {
      await new Promise((r) => setTimeout(r, 20));
      counts = jobCounts();
    }
    const doneMs = performance.now() - t0;
    await bridge.stop();
    const calls = fake.calls;
    const no = refused(calls.map((c) => c.at));
    const ok = calls.filter((_, i) => !no[i]);
    const upserts = ok.filter((c) => c.path.endsWith('/contacts/batch/upsert'));
    const noteBatches = ok.filter((c) => c.path.endsWith('/notes/batch/create'));
    const sizes = (list: RecordedCall[]) => list.map((c) => (c.json as { inputs: unknown[] }).inputs.length).join(', ');
    const lastCallMs = (ok.at(-1)?.at ?? wall0) - wall0;
    const notesOnContacts = fake.notes.filter((n) => n.contactIds.length === 1 && n.associationTypeIds[0] === 202).length;

    // Baseline: the same notes one by one, as the bridge created them before (basicApi.create, one
    // call per note), against an unlimited fake so it takes seconds, not the 100+ s the limit would.
    const baseline = await oneByOneNotes(fake);

    // The limit spaces calls evenly, LIMIT per WINDOW_MS: one every WINDOW_MS / LIMIT ms. EVENTS
    // contacts need at least ceil(EVENTS / MAX_BATCH) upserts, and their notes as many batch
    // creates (a note needs its contact's id, so it cannot ride the upsert); the last call can
    // start no sooner than (calls - 1) spacings after the first, nor before the last event arrived.
    const minCalls = 2 * Math.ceil(EVENTS / MAX_BATCH);
    const spacing = WINDOW_MS / LIMIT;
    const minDrainMs = Math.max((minCalls - 1) * spacing, ingestMs);
    const baselineCalls = upserts.length + baseline.calls;

    const rows: [string, string][] = [
      ['events sent (distinct emails)', `${EVENTS} (${CONCURRENCY} concurrent senders)`],
      ['contacts / notes on them (type 202)', `${fake.contacts.size} / ${notesOnContacts}`],
      ['jobs done / dead / ambiguous', `${counts.done ?? 0} / ${counts.dead ?? 0} / ${counts.ambiguous ?? 0}`],
      ['API calls, notes on', `${calls.length} = ${upserts.length} batch upserts + ${noteBatches.length} note batches (+ ${calls.length - ok.length} refused)   (minimum 2 x ceil(${EVENTS}/${MAX_BATCH}) = ${minCalls})`],
      ['baseline: notes one by one', `${baselineCalls} = ${upserts.length} batch upserts + ${baseline.calls} note creates (counted in this run${baseline.calls === EVENTS ? '' : `, ${baseline.notes} created`}); under the limit >= ${(((baselineCalls - 1) * spacing) / 1000).toFixed(1)} s`],
      ['calls per 1,000 visits, notes on', `${((calls.length * 1000) / EVENTS).toFixed(1)}   (baseline ${((baselineCalls * 1000) / EVENTS).toFixed(1)})`],
      ['429s received', String(no.filter(Boolean).length)],
      ['contacts per upsert', sizes(upserts)],
      ['notes per batch', sizes(noteBatches)],
      ['ingest time (first POST to last ack)', `${(ingestMs / 1000).toFixed(2)} s`],
      ['drain time (first event to last call)', `${(lastCallMs / 1000).toFixed(2)} s   (every job settled after ${(doneMs / 1000).toFixed(2)} s)`],
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

/**
 * The notes of every contact in `source`, created one by one through @hubspot/api-client's
 * `basicApi.create` (four at a time, as the bridge did), against a fresh unlimited fake holding the
 * same contacts. Returns the calls that cost.
 */
async function oneByOneNotes(source: FakeHubspot): Promise<{ calls: number; notes: number }> {
  const fake = await startFakeHubspot();
  try {
    const [{ Client }, { AssociationSpecAssociationCategoryEnum }] = await Promise.all([
      import('@hubspot/api-client'),
      import('@hubspot/api-client/lib/codegen/crm/objects/notes/index.js'),
    ]);
    for (const [email, contact] of source.contacts) fake.contacts.set(email, { id: contact.id, properties: { ...contact.properties } });
    const notes = new Client({ accessToken: 'pat-bench', basePath: fake.url, numberOfApiCallRetries: 0 }).crm.objects.notes.basicApi;
    const queue = source.notes.map((n) => ({ contactId: n.contactIds[0] ?? '', body: n.properties.hs_note_body ?? '' }));
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let item = queue[next++]; item !== undefined; item = queue[next++]) {
          await notes.create({
            properties: { hs_timestamp: new Date().toISOString(), hs_note_body: item.body },
            associations: [{ to: { id: item.contactId }, types: [{ associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: 202 }] }],
          });
        }
      }),
    );
    return { calls: fake.noteCalls().length, notes: fake.notes.length };
  } finally {
    await fake.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench:hubspot failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
