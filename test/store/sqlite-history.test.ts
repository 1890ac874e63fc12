import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../src/store/sqlite-store.js';
import { openTemp, seed, tempDir } from './temp-store.js';

let cleanup: () => void;
let store: SqliteStore;
const clock = { now: () => 1_000_000 };

beforeEach(() => {
  let dir: string;
  ({ dir, cleanup } = tempDir());
  store = openTemp(dir, clock);
});

afterEach(() => {
  store.close();
  cleanup();
});

/** Finishes (done) every job of the given events. */
async function finishAll(...eventIds: string[]): Promise<void> {
  const ids = (await Promise.all(eventIds.map((e) => store.deliveries.jobsForEvent(e)))).flat().map((j) => j.id);
  const claimed = (await store.queue.claimDue(clock.now(), 1000)).map((j) => j.id);
  await store.queue.settle(claimed.filter((id) => ids.includes(id)).map((id) => ({ id, to: 'done' as const })), clock.now());
  await store.queue.release(claimed.filter((id) => !ids.includes(id)), clock.now(), clock.now());
}

describe('pruneHistory', () => {
  it('deletes old events whose jobs are all finished, with their jobs, and keeps the rest', async () => {
    await seed(store, 'old-done', [{}, {}], 100);
    await seed(store, 'old-live', [{}], 100);
    await seed(store, 'old-no-jobs', [], 100);
    await seed(store, 'new-done', [{}], 900_000);
    await finishAll('old-done', 'new-done');

    expect(await store.pruneHistory(500_000)).toBe(2);
    expect(await store.pruneHistory(500_000)).toBe(0);

    expect(await store.deliveries.getEvent('old-done')).toBeUndefined();
    expect(await store.deliveries.jobsForEvent('old-done')).toEqual([]);
    expect(await store.deliveries.getEvent('old-no-jobs')).toBeUndefined();
    expect((await store.deliveries.getEvent('old-live'))?.id).toBe('old-live');
    expect((await store.deliveries.jobsForEvent('old-live')).map((j) => j.status)).toEqual(['pending']);
    expect((await store.deliveries.getEvent('new-done'))?.id).toBe('new-done');
  });

  it('deletes at most `limit` events a call', async () => {
    for (let i = 0; i < 5; i++) await seed(store, `e${i}`, [], 100);
    expect([await store.pruneHistory(500_000, 2), await store.pruneHistory(500_000, 2), await store.pruneHistory(500_000, 2), await store.pruneHistory(500_000, 2)]).toEqual([2, 2, 1, 0]);
  });
});
