import { afterEach, describe, expect, it } from 'vitest';
import { scheduleHistoryPruning } from '../../src/bridge/schedule-history-pruning.js';
import { captureLog } from '../observe/capture-log.js';
import { openTemp, planAll, storedEvent, tempDir } from '../store/temp-store.js';

const DAY = 24 * 60 * 60 * 1000;
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

async function setup(events: number) {
  const { dir, cleanup } = tempDir();
  const store = openTemp(dir, { now: () => 0 });
  cleanups.push(cleanup, () => store.close());
  // One commit for all of them, then one plan batch (as a burst would be).
  await Promise.all(Array.from({ length: events }, (_, i) => store.accept(storedEvent(`e${i}`, 0))));
  await planAll(store);
  return store;
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('scheduleHistoryPruning', () => {
  it('stopped and closed before its first run (a short-lived bridge): touches nothing, throws nothing', async () => {
    const store = await setup(1);
    const captured = captureLog('info');
    const stop = scheduleHistoryPruning(store, 30, () => 31 * DAY, captured.log);
    stop();
    store.close();
    await turns(5);
    expect(captured.lines().filter((l) => l.level >= 40)).toEqual([]);
  });

  it('a closed store rejects pruneState instead of throwing at the caller', async () => {
    const store = await setup(1);
    store.close();
    await expect(store.planner.pruneState(0)).rejects.toThrow('The database connection is not open');
  });

  it('deletes, in batches, events past the retention at start, and logs how many', async () => {
    const store = await setup(1200);
    const captured = captureLog('info');
    const stop = scheduleHistoryPruning(store, 30, () => 31 * DAY, captured.log);
    cleanups.push(stop);
    await turns(10);
    expect(await store.deliveries.listEvents({ limit: 10 })).toEqual([]);
    expect(captured.lines().filter((l) => l.msg === 'history pruned')).toEqual([
      expect.objectContaining({ events: 1200, before: new Date(DAY).toISOString() }),
    ]);
  });

  it('keeps events inside the retention, and everything when retention is 0', async () => {
    const store = await setup(3);
    const { log } = captureLog('info');
    cleanups.push(scheduleHistoryPruning(store, 30, () => 29 * DAY, log), scheduleHistoryPruning(store, 0, () => 365 * DAY, log));
    await turns(5);
    expect(await store.deliveries.listEvents({ limit: 10 })).toHaveLength(3);
  });
});
