import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/sqlite-migrations.js';
import { jobsFor, openTemp, storedEvent, tempDir } from './temp-store.js';

let dir: string;
let cleanup: () => void;
const clock = { now: () => 5_000 };

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

/** A file as schema version 1 left it: random event ids, a replay, a pruned event's dedupe key. */
function writeVersion1(): void {
  mkdirSync(dir, { recursive: true });
  const db = new Database(join(dir, 'bridge.db'));
  db.pragma('journal_mode = WAL');
  db.exec(MIGRATIONS[0] ?? '');
  db.pragma('user_version = 1');
  const event = db.prepare(`INSERT INTO events (id, type, name, payload, rules_version, received_at, dedupe_key) VALUES (?, 'user.visited', 'User Visits Server', ?, 'v1', ?, ?)`);
  const job = db.prepare(
    `INSERT INTO jobs (id, plan_key, event_id, rule, action_index, destination, kind, request, status, attempts, next_at, created_at, updated_at, last_error, ref, replay_of)
     VALUES (@id, @plan, @event, 'r', 0, 'dest', 'fake', '{"n":0}', @status, @attempts, 100, 100, 100, @error, @ref, @replayOf)`,
  );
  const key = db.prepare('INSERT INTO dedupe (key, event_id, seen_at) VALUES (?, ?, ?)');
  event.run('zz-second', '{"id":"zz-second"}', 200, 'zz-second');
  event.run('aa-first', '{"id":"aa-first"}', 100, 'aa-first');
  job.run({ id: 'zz-second:r:0', plan: 'zz-second:r:0', event: 'zz-second', status: 'dead', attempts: 5, error: 'HTTP 500', ref: null, replayOf: null });
  job.run({ id: 'zz-second:r:0#r1', plan: 'zz-second:r:0', event: 'zz-second', status: 'pending', attempts: 0, error: null, ref: null, replayOf: 'zz-second:r:0' });
  job.run({ id: 'aa-first:r:0', plan: 'aa-first:r:0', event: 'aa-first', status: 'done', attempts: 1, error: null, ref: 'ts-1', replayOf: null });
  key.run('zz-second', 'zz-second', 200);
  key.run('aa-first', 'aa-first', 100);
  key.run('pruned-long-ago', 'pruned-long-ago', 50);
  db.close();
}

describe('migration 2', () => {
  it('keeps every event and job of a version-1 file, in arrival order, and their dedupe', async () => {
    writeVersion1();
    const store = openTemp(dir, clock);
    try {
      expect((await store.deliveries.listEvents()).map((e) => [e.id, e.jobs.map((j) => `${j.id}=${j.status}/${j.attempts}/${j.lastError ?? ''}/${j.ref ?? ''}/${j.replayOf ?? ''}`)])).toEqual([
        ['zz-second', ['zz-second:r:0=dead/5/HTTP 500//', 'zz-second:r:0#r1=pending/0///zz-second:r:0']],
        ['aa-first', ['aa-first:r:0=done/1//ts-1/']],
      ]);
      // Found by id through their event, and still claimable and settleable.
      expect((await store.deliveries.getJob('zz-second:r:0#r1'))?.planKey).toBe('zz-second:r:0');
      const [claimed] = await store.queue.claimDue(clock.now(), 10);
      expect(claimed?.id).toBe('zz-second:r:0#r1');
      await store.queue.settle([{ id: 'zz-second:r:0#r1', to: 'done', ref: 'ts-2' }], clock.now());
      expect((await store.deliveries.getJob('zz-second:r:0#r1'))?.status).toBe('done');
      // Stored events are their own dedupe record; the key of an event no longer stored is kept.
      const peek = new Database(store.file, { readonly: true });
      expect(peek.prepare('SELECT key FROM dedupe').pluck().all()).toEqual(['pruned-long-ago']);
      peek.close();
      expect(await store.accept(storedEvent('aa-first', clock.now()))).toBe('duplicate');
    } finally {
      store.close();
    }
  });
});

describe('migration 5', () => {
  it('adds the delivery headers to events: older events have none, new ones keep what the intake gave', async () => {
    mkdirSync(dir, { recursive: true });
    const db = new Database(join(dir, 'bridge.db'));
    db.pragma('journal_mode = WAL');
    for (const sql of MIGRATIONS.slice(0, 4)) db.exec(sql);
    db.pragma('user_version = 4');
    db.prepare(`INSERT INTO events (id, type, name, payload, rules_version, received_at) VALUES ('old', 'user.visited', 'User Visits Server', '{}', 'v1', 100)`).run();
    db.close();
    const store = openTemp(dir, clock);
    try {
      expect((await store.deliveries.getEvent('old'))?.headers).toBeUndefined();
      await store.accept({ ...storedEvent('new', clock.now()), headers: '{"webhook-id":"msg_1","webhook-signature":"[redacted]"}' });
      expect((await store.deliveries.getEvent('new'))?.headers).toBe('{"webhook-id":"msg_1","webhook-signature":"[redacted]"}');
    } finally {
      store.close();
    }
  });
});

describe('migration 7', () => {
  it('keeps the channel a delivered message went to with its ref; older jobs have none', async () => {
    const store = openTemp(dir, clock);
    try {
      await store.accept(storedEvent('e1', clock.now()));
      const [row] = await store.planner.unplanned(1);
      await store.planner.commitPlans({ events: [{ seq: row!.seq, eventId: 'e1', decision: { rulesVersion: 'v1', plannedAt: 1, summary: '', rules: [] }, jobs: jobsFor('e1', [{}, {}]) }], state: [], now: clock.now() });
      const [a, b] = await store.queue.claimDue(clock.now(), 10);
      await store.queue.settle([{ id: a!.id, to: 'done', ref: '1700000000.000100', channel: 'C0VIP' }, { id: b!.id, to: 'done', ref: 'x' }], clock.now());
      expect([(await store.deliveries.getJob(a!.id))?.refChannel, (await store.deliveries.getJob(b!.id))?.refChannel]).toEqual(['C0VIP', null]);
    } finally {
      store.close();
    }
  });
});
