import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.js';
import { migratePg, PG_MIGRATIONS } from '../../../src/store/pg/pg-migrations.js';
import { createPgPool } from '../../../src/store/pg/pg-pool.js';
import { freshDatabase } from '../../pg/fresh-database.js';
import { storedEvent, jobsFor } from '../temp-store.js';
import { openTempPgStore, type TempPgStore } from './temp-pg-store.js';
import type { PlannedEvent, UnplannedEvent } from '../../../src/store/planner-store.js';

const decision = { rulesVersion: 'v1', plannedAt: 5, summary: 'test', rules: [] };
const planOf = (rows: readonly UnplannedEvent[], jobs: Record<string, PlannedEvent['jobs']> = {}): PlannedEvent[] =>
  rows.map((r) => ({ seq: r.seq, eventId: r.id, decision, jobs: jobs[r.id] ?? [] }));

describe('PostgreSQL store', () => {
  let t: TempPgStore | undefined;
  const clock = { now: () => 1_000_000 };
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  describe('migrations', () => {
    it('applies every step once, also when two bridges start together', async () => {
      const db = await freshDatabase();
      const pools = [createPgPool({ url: db.url }), createPgPool({ url: db.url })];
      try {
        const versions = await Promise.all(pools.map((p) => migratePg(p)));
        expect(versions).toEqual([PG_MIGRATIONS.length, PG_MIGRATIONS.length]);
        expect(await migratePg(pools[0] as pg.Pool)).toBe(PG_MIGRATIONS.length);
        const { rows } = await (pools[0] as pg.Pool).query('SELECT version FROM schema_migrations ORDER BY version');
        expect(rows).toEqual(PG_MIGRATIONS.map((_, i) => ({ version: i + 1 })));
      } finally {
        await Promise.all(pools.map((p) => p.end()));
        await db.drop();
      }
    });

    it('refuses a database a newer bridge migrated', async () => {
      const db = await freshDatabase();
      const pool = createPgPool({ url: db.url });
      try {
        await migratePg(pool);
        await pool.query('INSERT INTO schema_migrations (version) VALUES ($1)', [PG_MIGRATIONS.length + 1]);
        await expect(migratePg(pool)).rejects.toThrow(`database schema version ${PG_MIGRATIONS.length + 1} is newer than this bridge knows (${PG_MIGRATIONS.length})`);
      } finally {
        await pool.end();
        await db.drop();
      }
    });
  });

  describe('intake', () => {
    it('stores an event once: a repeat in the same batch or a later one is a duplicate', async () => {
      t = await openTempPgStore(clock);
      const { store } = t;
      const results = await Promise.all([store.accept(storedEvent('a')), store.accept(storedEvent('b')), store.accept(storedEvent('a'))]);
      expect(results).toEqual(['accepted', 'accepted', 'duplicate']);
      expect(await store.accept(storedEvent('b'))).toBe('duplicate');
      expect(store.intakeStats()).toMatchObject({ items: 4 });
      expect(store.intakeStats().largestBatch).toBe(3);
      const rows = await store.planner.unplanned(10);
      expect(rows.map((r) => r.id)).toEqual(['a', 'b']);
      expect(rows[0]).toEqual({ seq: rows[0]?.seq, id: 'a', type: 'user.visited', name: 'User Visits Server', payload: '{"id":"a"}', rulesVersion: 'v1', receivedAt: 0 });
      // The request headers (redacted by the intake) are kept with the event.
      expect(await store.accept({ ...storedEvent('h'), headers: '{"user-agent":"x"}' })).toBe('accepted');
      expect(await store.deliveries.getEvent('h')).toEqual({ ...storedEvent('h'), headers: '{"user-agent":"x"}' });
    });

    it('remembers the id of an event pruned inside the dedupe window, and forgets it after', async () => {
      const now = { t: 10_000 };
      t = await openTempPgStore({ now: () => now.t }, { dedupeWindowMs: 1000 });
      const { store } = t;
      await store.pool.query("INSERT INTO dedupe (key, event_id, seen_at) VALUES ('gone', 'gone', 9500)");
      expect(await store.accept(storedEvent('gone'))).toBe('duplicate');
      now.t = 10_600;
      expect(await store.pruneDedupe(now.t)).toBe(1);
      expect(await store.accept(storedEvent('gone'))).toBe('accepted');
    });

    it('commits concurrent accepts from two bridges of one id once', async () => {
      t = await openTempPgStore(clock);
      const other = await t.openAnother();
      const results = await Promise.all([t.store.accept(storedEvent('same')), other.accept(storedEvent('same'))]);
      expect([...results].sort()).toEqual(['accepted', 'duplicate']);
    });
  });

  describe('planner', () => {
    it('plans events once, in one transaction with their jobs, state and decision', async () => {
      t = await openTempPgStore(clock);
      const { store } = t;
      await store.accept(storedEvent('e1'));
      const rows = await store.planner.unplanned(10);
      await store.planner.commitPlans({
        events: planOf(rows, { e1: jobsFor('e1', [{ destination: 'slack' }]) }),
        state: [{ scope: 'cooldown', key: 'k', value: { until: 9 }, expiresAt: 100 }],
        now: 7,
      });
      expect(await store.planner.unplanned(10)).toEqual([]);
      expect(await store.planner.unplannedCount()).toBe(0);
      expect(await store.planner.decisionOf('e1')).toEqual(decision);
      expect(await store.planner.readState([{ scope: 'cooldown', key: 'k' }, { scope: 'cooldown', key: 'none' }])).toEqual([
        { scope: 'cooldown', key: 'k', value: { until: 9 }, expiresAt: 100 },
      ]);
      const { rows: jobs } = await store.pool.query('SELECT id, destination, status, next_at FROM jobs');
      expect(jobs).toEqual([{ id: 'e1:r:0', destination: 'slack', status: 'pending', next_at: 7 }]);
      await expect(store.planner.commitPlans({ events: planOf(rows), state: [], now: 8 })).rejects.toThrow(
        `plan batch ${rows[0]?.seq}..${rows[0]?.seq} holds an event that is planned already or not stored`,
      );
      expect(await store.planner.pruneState(100)).toBe(1);
    });

    it('refuses a batch that passes over an unplanned event it was offered, storing nothing of it', async () => {
      t = await openTempPgStore(clock);
      const { store } = t;
      for (const id of ['a', 'b', 'c']) await store.accept(storedEvent(id));
      const rows = await store.planner.unplanned(10);
      const [a, b, c] = rows as [UnplannedEvent, UnplannedEvent, UnplannedEvent];
      await expect(store.planner.commitPlans({ events: planOf([a, c]), state: [{ scope: 's', key: 'k', value: 1, expiresAt: null }], now: 1 })).rejects.toThrow(
        `plan batch ${a.seq}..${c.seq} passes over unplanned event ${b.seq}`,
      );
      expect(await store.planner.unplannedCount()).toBe(3);
      expect(await store.planner.readScope('s')).toEqual([]);
    });

    it('finds an event that commits late with a lower seq than events already planned', async () => {
      t = await openTempPgStore(clock);
      const { store } = t;
      // A slow intake transaction in another process: its seq is taken now, its commit comes later.
      const slow = await store.pool.connect();
      try {
        await slow.query('BEGIN');
        await slow.query("INSERT INTO events (id, type, name, payload, rules_version, received_at) VALUES ('late', 't', 'n', '{}', 'v1', 0)");
        await store.accept(storedEvent('quick'));
        const first = await store.planner.unplanned(10);
        expect(first.map((r) => r.id)).toEqual(['quick']);
        await store.planner.commitPlans({ events: planOf(first), state: [], now: 1 });
        await slow.query('COMMIT');
      } finally {
        slow.release();
      }
      const next = await store.planner.unplanned(10);
      expect(next.map((r) => r.id)).toEqual(['late']);
      expect(next[0]?.seq).toBeLessThan((await store.planner.eventsAt([1, 2])).find((e) => e.id === 'quick')?.seq ?? 0);
      await store.planner.commitPlans({ events: planOf(next), state: [], now: 2 });
      expect(await store.planner.unplannedCount()).toBe(0);
    });

    it('lets one bridge plan at a time, and another take over when it goes, at its next try a second on', async () => {
      let ms = 1_000_000;
      t = await openTempPgStore({ now: () => ms });
      const other = await t.openAnother();
      await t.store.accept(storedEvent('e1'));
      const mine = await t.store.planner.unplanned(10);
      expect(mine.map((r) => r.id)).toEqual(['e1']);
      expect(await other.planner.unplanned(10)).toEqual([]);
      await t.store.close();
      // Refused a moment ago: it does not ask again until 1 s has passed (every wake would).
      ms += 999;
      expect(await other.planner.unplanned(10)).toEqual([]);
      ms += 1;
      expect((await other.planner.unplanned(10)).map((r) => r.id)).toEqual(['e1']);
    });

    it('refuses the commit of a bridge whose planner lock passed to another', async () => {
      let ms = 1_000_000;
      t = await openTempPgStore({ now: () => ms });
      const other = await t.openAnother();
      await t.store.accept(storedEvent('e1'));
      const rows = await t.store.planner.unplanned(10);
      // Its lock connection is ended from the server side (a network cut, a failover), and another
      // bridge's planner takes the lock (polled until it has it: the server frees it as the backend ends).
      await t.store.pool.query(
        "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = 2 AND pid <> pg_backend_pid()",
      );
      const until = Date.now() + 10_000;
      let theirs = await other.planner.unplanned(10);
      while (theirs.length === 0 && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 20));
        ms += 1000; // past the refused bridge's wait between tries
        theirs = await other.planner.unplanned(10);
      }
      expect(theirs.map((r) => r.id)).toEqual(['e1']);
      await expect(t.store.planner.commitPlans({ events: planOf(rows), state: [], now: 1 })).rejects.toThrow(
        'this bridge no longer holds the planner lock; the batch is left to the one that does',
      );
      expect(await t.store.planner.unplannedCount()).toBe(1);
      await other.planner.commitPlans({ events: planOf(theirs), state: [], now: 2 });
      expect(await t.store.planner.unplannedCount()).toBe(0);
    });
  });

  describe('digests', () => {
    it('flushes a window once, even when two bridges flush it at the same time', async () => {
      t = await openTempPgStore(clock);
      const other = await t.openAnother();
      const { store } = t;
      for (const id of ['a', 'b']) await store.accept(storedEvent(id));
      const rows = await store.planner.unplanned(10);
      expect(await store.digests.oldestUnplannedAt()).toBe(0);
      await store.planner.commitPlans({
        events: rows.map((r) => ({ seq: r.seq, eventId: r.id, decision, jobs: [], digestItems: [{ rule: 'd', key: 'k', windowStart: 0, windowEnd: 100, item: { id: r.id } }] })),
        state: [],
        now: 1,
      });
      expect(await store.digests.oldestUnplannedAt()).toBeUndefined();
      expect(await store.digests.closedWindows(99, 10)).toEqual([]);
      const [w] = await store.digests.closedWindows(100, 10);
      expect(w).toEqual({ rule: 'd', key: 'k', windowStart: 0, windowEnd: 100 });
      const seen: string[][] = [];
      const render = (items: readonly { eventId: string }[]) => {
        seen.push(items.map((i) => i.eventId));
        return jobsFor('b', [{ rule: 'd', destination: 'slack' }]);
      };
      const flushed = await Promise.all([store.digests.flushWindow(w!, render, 200), other.digests.flushWindow(w!, render, 200)]);
      expect([...flushed].sort((x, y) => y.items - x.items)).toEqual([{ items: 2, jobs: 1 }, { items: 0, jobs: 0 }]);
      expect(seen).toEqual([['a', 'b']]);
      expect(await store.digests.closedWindows(1000, 10)).toEqual([]);
    });
  });

  describe('history and forgetting', () => {
    it('reads history by time, prunes finished events (remembering their ids) and forgets a person', async () => {
      t = await openTempPgStore({ now: () => 50_000 });
      const { store } = t;
      const ev = (id: string, at: number, email: string) => ({ ...storedEvent(id, at), payload: JSON.stringify({ user: { email, id: `u-${email}` } }) });
      await store.accept(ev('old', 10, 'Jane@Example.com'));
      await store.accept(ev('new', 20_000, 'bob@example.com'));
      await store.accept(ev('jane2', 30_000, 'jane@example.com'));
      const rows = await store.planner.unplanned(10);
      await store.planner.commitPlans({
        events: planOf(rows, { new: jobsFor('new', [{ destination: 'slack' }]), jane2: jobsFor('jane2', [{ destination: 'slack' }]) }),
        state: [{ scope: 'cooldown', key: 'vip|jane@example.com', value: 1, expiresAt: null }, { scope: 'cooldown', key: 'vip|bob@example.com', value: 1, expiresAt: null }],
        now: 1,
      });
      expect((await store.history.eventsBetween(0, 25_000)).map((e) => e.id)).toEqual(['old', 'new']);
      expect(await store.history.jobsBetween(0, 25_000)).toEqual([{ eventId: 'new', rule: 'r', destination: 'slack' }]);
      // 'new' still has a pending job: only 'old' goes.
      expect(await store.pruneHistory(25_000)).toBe(1);
      expect(await store.accept(ev('old', 10, 'x'))).toBe('duplicate');
      const forgot = await store.forgetPerson({ email: 'JANE@example.com' });
      expect(forgot).toEqual({ identities: ['jane@example.com', 'u-jane@example.com'], events: 1, jobs: 1, decisions: 1, state: 1, dedupe: 0, digestItems: 0 });
      expect((await store.history.eventsBetween(0, 100_000)).map((e) => e.id)).toEqual(['new']);
      expect((await store.planner.readScope('cooldown')).map((s) => s.key)).toEqual(['vip|bob@example.com']);
    });
  });

  it('keeps keys holding NUL or backslashes exactly (PostgreSQL text cannot hold NUL)', async () => {
    t = await openTempPgStore(clock);
    const { store } = t;
    const memo = 'alerts\0thread:jane@example.com';
    const odd = 'a\\0b\\\0c';
    await store.queue.remember([{ key: memo, value: '1700000000.000100', expiresAt: null }]);
    expect(await store.queue.readMemos([memo, 'alerts'], 0)).toEqual(new Map([[memo, '1700000000.000100']]));
    await store.planner.commitPlans({ events: [], state: [{ scope: 'cooldown', key: odd, value: 1, expiresAt: null }], now: 1 });
    expect(await store.planner.readState([{ scope: 'cooldown', key: odd }])).toEqual([{ scope: 'cooldown', key: odd, value: 1, expiresAt: null }]);
    expect((await store.planner.readScope('memo')).map((r) => r.key)).toEqual([memo]);
    expect((await store.forgetPerson({ email: 'jane@example.com' })).state).toBe(1);
    expect(await store.queue.readMemos([memo], 0)).toEqual(new Map());
  });

  it('is not ready once the database stops answering its pings', async () => {
    t = await openTempPgStore(clock, { pingEveryMs: 50 });
    expect(t.store.writable()).toBe(true);
    await t.db.drop();
    const until = Date.now() + 10_000;
    while (t.store.writable() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(t.store.writable()).toBe(false);
  });

  it('says where it is without the password, and refuses a database it cannot reach', async () => {
    await expect(import('../../../src/store/pg/pg-store.js').then((m) => m.openPgStore({ url: 'postgres://u:secret@127.0.0.1:1/x', now: Date.now, log: silentLogger() }))).rejects.toThrow(
      /^cannot open the PostgreSQL store at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x: /,
    );
  });
});
