import { resolve } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { lockDataDir } from '../../src/store/data-dir-lock.js';
import { openPgStore, type PgStore } from '../../src/store/pg/pg-store.js';
import { freshDatabase } from '../pg/fresh-database.js';
import { openTemp, seed, storedEvent, tempDir } from '../store/temp-store.js';
import { runCli } from './run-cli.js';

const T = 1_700_000_000_000;

/** A data folder whose store holds what a bridge leaves: planned events with jobs in every state, one unplanned event, state, a digest item. */
async function usedDataDir(): Promise<string> {
  const { dir, cleanup } = tempDir();
  onTestFinished(cleanup);
  const store = openTemp(dir, { now: () => T });
  await seed(store, 'evt-1', [{ destination: 'alerts', kind: 'slack' }, { destination: 'crm', kind: 'hubspot' }], T);
  const [claimed] = await store.queue.claimDue(T, 1, { destination: 'alerts' });
  await store.queue.complete(claimed?.id ?? '', { status: 'ok', ref: '1700000000.000100' }, T + 5);
  await store.accept(storedEvent('evt-2', T + 10));
  await store.planner.commitPlans({
    events: [{ seq: 2, eventId: 'evt-2', decision: { rulesVersion: 'v1', plannedAt: T + 10, summary: 'matched vip', rules: [] }, jobs: [], digestItems: [{ rule: 'vip', key: 'k', windowStart: T, windowEnd: T + 60_000, item: { user: 'u2' } }] }],
    state: [{ scope: 'cooldown', key: 'vip|u2', value: { until: T + 86_400_000 }, expiresAt: T + 86_400_000 }],
    now: T + 10,
  });
  await store.accept(storedEvent('evt-3', T + 20)); // not planned yet
  store.close();
  return dir;
}

async function pgStoreOn(url: string): Promise<PgStore> {
  const store = await openPgStore({ url, now: () => T + 30, log: silentLogger(), poolSize: 2 });
  onTestFinished(() => store.close());
  return store;
}

describe('bridge migrate', () => {
  it('copies events, jobs, decisions, dedupe, state and digest items into PostgreSQL, keeping what is planned and what is not', async () => {
    const dir = await usedDataDir();
    const db = await freshDatabase();
    onTestFinished(() => db.drop());
    const r = await runCli(['migrate', '--to', db.url, '--data', dir]);
    expect(r.stderr).toBe(`copying ${resolve(dir, 'bridge.db')} into ${db.url}\n`);
    expect(r.stdout).toBe(`copied into ${db.url}: 3 events, 0 dedupe, 2 decisions, 2 jobs, 1 state, 1 digest items\nnow start the bridges with DATABASE_URL set to it\n`);
    expect(r.code).toBe(0);

    const pg = await pgStoreOn(db.url);
    expect(await pg.deliveries.getEvent('evt-1')).toEqual(storedEvent('evt-1', T));
    expect((await pg.deliveries.jobsForEvent('evt-1')).map((j) => [j.id, j.status, j.attempts, j.ref])).toEqual([
      ['evt-1:r:0', 'done', 1, '1700000000.000100'],
      ['evt-1:r:1', 'pending', 0, null],
    ]);
    expect((await pg.planner.decisionOf('evt-2'))?.summary).toBe('matched vip');
    expect(await pg.planner.readState([{ scope: 'cooldown', key: 'vip|u2' }])).toEqual([{ scope: 'cooldown', key: 'vip|u2', value: { until: T + 86_400_000 }, expiresAt: T + 86_400_000 }]);
    expect((await pg.planner.unplanned(10)).map((e) => [e.id, e.seq])).toEqual([['evt-3', 3]]);
    expect((await pg.digests.closedWindows(T + 60_000, 10)).map((w) => [w.rule, w.key])).toEqual([['vip', 'k']]);
    // The dedupe holds across the move, and a new event is stored after the copied ones.
    expect(await pg.accept(storedEvent('evt-1', T + 30))).toBe('duplicate');
    expect(await pg.accept(storedEvent('evt-4', T + 30))).toBe('accepted');
    // (A sequence value a duplicate's insert drew is not given back: seqs may have gaps, never go back.)
    const [left, added] = await pg.planner.unplanned(10);
    expect([left?.id, added?.id]).toEqual(['evt-3', 'evt-4']);
    expect(added?.seq).toBeGreaterThan(3);
  });

  it('refuses a database that already holds events, copying nothing', async () => {
    const dir = await usedDataDir();
    const db = await freshDatabase();
    onTestFinished(() => db.drop());
    expect((await runCli(['migrate', '--data', dir], { DATABASE_URL: db.url })).code).toBe(0);
    const again = await runCli(['migrate', '--to', db.url, '--data', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr.split('\n').at(-2)).toBe('bridge migrate: nothing was copied: the database already holds 3 events and 2 jobs; migrate into an empty database');
  });

  it('refuses while a bridge is serving from the data folder', async () => {
    const dir = await usedDataDir();
    const held = lockDataDir(dir, { pid: 4242, now: () => T });
    if (!held.ok) throw new Error(held.error);
    onTestFinished(() => held.lock.release());
    const r = await runCli(['migrate', '--to', 'postgres://bridge@127.0.0.1:1/bridge', '--data', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`bridge migrate: another bridge is serving from ${dir} (pid 4242, since ${new Date(T).toISOString()}); stop it first, or give this one its own DATA_DIR\n`);
  });

  it.each([
    { argv: ['migrate'], env: {}, error: 'give --to postgres://… (or set DATABASE_URL)' },
    { argv: ['migrate', '--to', 'mysql://root:pw@db/x'], env: {}, error: '--to must be a postgres:// URL, not "mysql://root:***@db/x"' },
  ])('usage: $error', async ({ argv, env, error }) => {
    const r = await runCli(argv, env);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`bridge migrate: ${error}`);
  });

  it('says which part failed when PostgreSQL cannot be reached, and leaves the SQLite store as it was', async () => {
    const dir = await usedDataDir();
    const r = await runCli(['migrate', '--to', 'postgres://bridge:s3cret-pw@127.0.0.1:1/bridge', '--data', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^copying .*bridge\.db into postgres:\/\/bridge:\*\*\*@127\.0\.0\.1:1\/bridge\nbridge migrate: nothing was copied: connect ECONNREFUSED 127\.0\.0\.1:1\n$/);
    expect(r.stderr).not.toContain('s3cret-pw');
    const store = openTemp(dir, { now: () => T });
    onTestFinished(() => store.close());
    expect((await store.deliveries.listEvents()).map((e) => e.id)).toEqual(['evt-3', 'evt-2', 'evt-1']);
  });
});
