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
function finishAll(...eventIds: string[]): void {
  const ids = eventIds.flatMap((e) => store.deliveries.jobsForEvent(e).map((j) => j.id));
  const claimed = store.queue.claimDue(clock.now(), 1000).map((j) => j.id);
  store.queue.settle(claimed.filter((id) => ids.includes(id)).map((id) => ({ id, to: 'done' as const })), clock.now());
  store.queue.release(claimed.filter((id) => !ids.includes(id)), clock.now(), clock.now());
}

describe('pruneHistory', () => {
  it('deletes old events whose jobs are all finished, with their jobs, and keeps the rest', async () => {
    await seed(store, 'old-done', [{}, {}], 100);
    await seed(store, 'old-live', [{}], 100);
    await seed(store, 'old-no-jobs', [], 100);
    await seed(store, 'new-done', [{}], 900_000);
    finishAll('old-done', 'new-done');

    expect(store.pruneHistory(500_000)).toBe(2);
    expect(store.pruneHistory(500_000)).toBe(0);

    expect(store.deliveries.getEvent('old-done')).toBeUndefined();
    expect(store.deliveries.jobsForEvent('old-done')).toEqual([]);
    expect(store.deliveries.getEvent('old-no-jobs')).toBeUndefined();
    expect(store.deliveries.getEvent('old-live')?.id).toBe('old-live');
    expect(store.deliveries.jobsForEvent('old-live').map((j) => j.status)).toEqual(['pending']);
    expect(store.deliveries.getEvent('new-done')?.id).toBe('new-done');
  });

  it('deletes at most `limit` events a call', async () => {
    for (let i = 0; i < 5; i++) await seed(store, `e${i}`, [], 100);
    expect([store.pruneHistory(500_000, 2), store.pruneHistory(500_000, 2), store.pruneHistory(500_000, 2), store.pruneHistory(500_000, 2)]).toEqual([2, 2, 1, 0]);
  });
});
