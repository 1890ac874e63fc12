import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { fsync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWalSync } from '../../src/store/wal-sync.js';
import { openTemp, storedEvent, tempDir } from './temp-store.js';

/** An fsync the test finishes by hand: each call waits in `calls` until `finish` runs it. */
function manualFsync(): { run: typeof fsync; calls: ((err?: Error) => void)[] } {
  const calls: ((err?: Error) => void)[] = [];
  const run = ((_fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
    calls.push((err) => cb(err ?? null));
  }) as typeof fsync;
  return { run, calls };
}

const settled = async (p: Promise<unknown>): Promise<string> => {
  const state = await Promise.race([p.then(() => 'resolved', (e: Error) => `rejected: ${e.message}`), new Promise((r) => setTimeout(() => r('pending'), 20))]);
  return state as string;
};

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe('createWalSync', () => {
  it('resolves a caller only after an fsync that started after it; callers during one share the next', async () => {
    const file = join(dir, 'x.db-wal');
    writeFileSync(file, '');
    const fs = manualFsync();
    const wal = createWalSync(file, fs.run);
    const first = wal.sync();
    expect(fs.calls).toHaveLength(1);
    const second = wal.sync();
    const third = wal.sync();
    // One fsync runs; the two that came during it wait for the next, not this one.
    expect(fs.calls).toHaveLength(1);
    fs.calls[0]?.();
    expect(await settled(first)).toBe('resolved');
    expect(await settled(second)).toBe('pending');
    expect(fs.calls).toHaveLength(2);
    fs.calls[1]?.();
    expect([await settled(second), await settled(third)]).toEqual(['resolved', 'resolved']);
    expect(wal.syncs()).toBe(2);
    wal.close();
  });

  it('rejects the callers of a failed fsync with what failed', async () => {
    const file = join(dir, 'x.db-wal');
    writeFileSync(file, '');
    const fs = manualFsync();
    const wal = createWalSync(file, fs.run);
    const p = wal.sync();
    fs.calls[0]?.(new Error('EIO: i/o error, fsync'));
    expect(await settled(p)).toBe("rejected: fsync of the store's WAL failed: EIO: i/o error, fsync");
    wal.close();
    expect(await settled(wal.sync())).toBe('rejected: store is closed');
  });
});

describe('the store acknowledges an event once its commit is on disk', () => {
  const clock = { now: () => 1_700_000_000_000 };

  it('holds accept until the WAL fsync after its commit has finished', async () => {
    const fs = manualFsync();
    const store = openTemp(dir, clock, { fsync: fs.run });
    const accepted = store.accept(storedEvent('e1'));
    await new Promise((r) => setTimeout(r, 20));
    // Committed (a second connection would see it) but not acknowledged until the fsync is done.
    expect((await store.deliveries.getEvent('e1'))?.id).toBe('e1');
    expect(await settled(accepted)).toBe('pending');
    fs.calls.at(-1)?.();
    expect(await accepted).toBe('accepted');
    store.close();
  });

  it('gathers the next batch while one waits for its fsync, so batches stay large', async () => {
    const fs = manualFsync();
    const store = openTemp(dir, clock, { fsync: fs.run });
    const first = store.accept(storedEvent('e0'));
    await new Promise((r) => setTimeout(r, 20));
    const rest = [1, 2, 3, 4, 5].map((n) => store.accept(storedEvent(`e${n}`)));
    await new Promise((r) => setTimeout(r, 20));
    expect(store.intakeStats()).toEqual({ commits: 1, items: 1, largestBatch: 1 });
    fs.calls.at(-1)?.();
    expect(await first).toBe('accepted');
    await new Promise((r) => setTimeout(r, 20));
    expect(store.intakeStats()).toEqual({ commits: 2, items: 6, largestBatch: 5 });
    fs.calls.at(-1)?.();
    expect(await Promise.all(rest)).toEqual(['accepted', 'accepted', 'accepted', 'accepted', 'accepted']);
    store.close();
  });

  it('refuses the batch of a failed fsync and reports not writable; the sender\'s retry is a duplicate', async () => {
    const fs = manualFsync();
    const store = openTemp(dir, clock, { fsync: fs.run });
    const accepted = store.accept(storedEvent('e1'));
    await new Promise((r) => setTimeout(r, 20));
    fs.calls.at(-1)?.(new Error('EIO: i/o error, fsync'));
    await expect(accepted).rejects.toThrow("fsync of the store's WAL failed: EIO: i/o error, fsync");
    expect(store.writable()).toBe(false);
    const retry = store.accept(storedEvent('e1'));
    await new Promise((r) => setTimeout(r, 20));
    fs.calls.at(-1)?.();
    expect(await retry).toBe('duplicate');
    expect(store.writable()).toBe(true);
    store.close();
  });
});
