import type { GroupCommit } from './group-commit.js';

/**
 * Group commit over an asynchronous database (PostgreSQL): items submitted while a batch is
 * committing wait for it, then go together in the next transaction, so under load a batch holds
 * everything that arrived during one commit's round trip and fsync (up to `maxBatch`), and idle it
 * is one item. One transaction is in flight at a time per process. `commit` returns one result per
 * item, in order; if it rejects, every item of that batch is rejected (nothing of it was stored).
 */
export function createAsyncGroupCommit<T, R>(commit: (items: readonly T[]) => Promise<R[]>, maxBatch = 256): GroupCommit<T, R> & { drain(): Promise<void> } {
  interface Waiting {
    readonly item: T;
    readonly resolve: (r: R) => void;
    readonly reject: (e: unknown) => void;
  }
  let queue: Waiting[] = [];
  let running: Promise<void> | undefined;
  let commits = 0;
  let items = 0;
  let largestBatch = 0;

  async function loop(): Promise<void> {
    // Let the rest of this event-loop turn submit too, as the synchronous group commit does.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      let results: R[];
      try {
        results = await commit(batch.map((w) => w.item));
      } catch (err) {
        for (const w of batch) w.reject(err);
        continue;
      }
      commits += 1;
      items += batch.length;
      largestBatch = Math.max(largestBatch, batch.length);
      batch.forEach((w, i) => w.resolve(results[i] as R));
    }
  }

  function start(): void {
    running ??= loop().finally(() => {
      running = undefined;
      if (queue.length > 0) start();
    });
  }

  return {
    submit(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        start();
      });
    },
    flushNow() {
      start();
    },
    /** Resolves once everything submitted so far is committed (or rejected). */
    async drain() {
      while (running !== undefined) await running;
    },
    stats: () => ({ commits, items, largestBatch }),
  };
}
