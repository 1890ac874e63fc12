/**
 * `npm run bench:store`: what one accepted event costs the store, schema 2 (today's) against schema 1
 * (the first release's layout, rebuilt here from MIGRATIONS[0] with the statements its intake ran),
 * in the same run, on the same disk.
 *
 * Each writes BENCH_EVENTS visit events (default 60,000) with one HubSpot job each, 40 per
 * transaction (the batch size group commit reaches at 50 connections), WAL and synchronous=FULL.
 * Event ids are random (content ids are SHA-256 hashes; a sender's delivery ids may be UUIDs) or
 * increasing (Svix-style `msg_` KSUIDs). Schema 2 runs through the real store (`accept`, group
 * commit); schema 1 through plain transactions, which spares it the promise overhead.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { silentLogger } from '../src/log.js';
import { MIGRATIONS } from '../src/store/sqlite-migrations.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { VISIT_PAYLOAD } from './visit-payload.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 60_000);
const BATCH = 40;
const PAYLOAD = VISIT_PAYLOAD;
const REQUEST = { email: 'bench@example.com', properties: { firstname: 'Bench', returning_last_visit: '2025-09-02T10:00:00.000Z' } };

type IdKind = 'random' | 'increasing';
const idOf = (kind: IdKind, n: number): string =>
  kind === 'random' ? `c_${randomBytes(16).toString('hex')}` : `msg_${(1_700_000_000_000 + n).toString(36)}${String(n).padStart(8, '0')}`;

interface Result {
  readonly perEvent: number;
  /** µs per event over the last tenth: how the cost grows with the table. */
  readonly lastTenth: number;
}

/** Runs `batch(ids)` over EVENTS ids in batches; µs per event overall and for the last tenth. */
async function time(kind: IdKind, batch: (ids: string[]) => Promise<void> | void): Promise<Result> {
  const started = performance.now();
  let tenthStarted = started;
  for (let n = 0; n < EVENTS; n += BATCH) {
    if (n >= EVENTS * 0.9 && tenthStarted === started) tenthStarted = performance.now();
    await batch(Array.from({ length: Math.min(BATCH, EVENTS - n) }, (_, i) => idOf(kind, n + i)));
  }
  const ended = performance.now();
  return { perEvent: ((ended - started) * 1000) / EVENTS, lastTenth: ((ended - tenthStarted) * 1000) / (EVENTS * 0.1) };
}

/** Schema 1 as released: dedupe row, event row and job row per event, five random-key indexes. */
function schemaOne(dir: string, kind: IdKind): Promise<Result> {
  const db = new Database(join(dir, 'v1.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(MIGRATIONS[0] ?? '');
  const seenAt = db.prepare('SELECT seen_at FROM dedupe WHERE key = ?');
  const putKey = db.prepare(`INSERT INTO dedupe (key, event_id, seen_at) VALUES (?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET event_id = excluded.event_id, seen_at = excluded.seen_at`);
  const insertEvent = db.prepare(`INSERT OR IGNORE INTO events (id, type, name, payload, rules_version, received_at, dedupe_key)
    VALUES (?, 'user.visited', 'User Visits Server', ?, 'v', ?, ?)`);
  const insertJob = db.prepare(`INSERT OR IGNORE INTO jobs (id, plan_key, event_id, rule, action_index, destination, kind, request,
    status, attempts, next_at, created_at, updated_at) VALUES (?, ?, ?, 'crm-sync', 0, 'crm', 'hubspot', ?, 'pending', 0, ?, ?, ?)`);
  const commit = db.transaction((ids: string[]) => {
    const t = Date.now();
    for (const id of ids) {
      seenAt.get(id);
      putKey.run(id, id, t);
      insertEvent.run(id, PAYLOAD, t, id);
      const job = `${id}:crm-sync:0`;
      insertJob.run(job, job, id, JSON.stringify(REQUEST), t, t, t);
    }
  });
  return time(kind, (ids) => commit(ids)).finally(() => db.close());
}

/** Schema 2 through the store the bridge runs. */
function schemaTwo(dir: string, kind: IdKind): Promise<Result> {
  const store = openSqliteStore({ dir: join(dir, 'v2'), now: Date.now, log: silentLogger() });
  return time(kind, async (ids) => {
    await Promise.all(
      ids.map((id) =>
        // Since schema 3 the intake stores the event only; the planner writes its jobs behind the commit.
        store.accept({ id, type: 'user.visited', name: 'User Visits Server', payload: PAYLOAD, rulesVersion: 'v', receivedAt: Date.now() }),
      ),
    );
  }).finally(() => store.close());
}

async function main(): Promise<void> {
  const lines = [`store intake: ${EVENTS.toLocaleString('en')} events, ${BATCH} per transaction, WAL + synchronous=FULL, ${tmpdir()}`, ''];
  lines.push('ids         schema 1 µs/event (last tenth)   schema 2 µs/event (last tenth)   schema 1 / schema 2');
  for (const kind of ['random', 'increasing'] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-store-'));
    try {
      const one = await schemaOne(dir, kind);
      const two = await schemaTwo(dir, kind);
      const cell = (r: Result) => `${r.perEvent.toFixed(1).padStart(6)} (${r.lastTenth.toFixed(1).padStart(6)})`.padEnd(33);
      lines.push(`${kind.padEnd(12)}${cell(one)}${cell(two)}${(one.perEvent / two.perEvent).toFixed(1)}x`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  lines.push('', 'reproduce: npm run bench:store   (BENCH_EVENTS=60000)');
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:store failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
