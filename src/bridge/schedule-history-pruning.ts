import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Keeps the store from growing without bound: hourly (and once at start), deletes events older than
 * `retentionDays` whose jobs are all finished, a few hundred per transaction with a turn of the
 * event loop between, so requests are never held up for long (0 keeps history forever); and
 * deletes expired state records.
 * Returns a function that stops it.
 */
export function scheduleHistoryPruning(store: Pick<Store, 'planner' | 'pruneHistory'>, retentionDays: number, now: () => number, log: Logger): () => void {
  let stopped = false;
  // Expired state (activity past its longest window, cooldowns that ended) goes whatever the retention.
  const pruneState = (): void => {
    if (stopped) return;
    void store.planner.pruneState(now()).then(
      (n) => (n > 0 && !stopped ? void setImmediate(pruneState) : undefined),
      (err: unknown) => log.warn({ err }, 'pruning expired state failed; trying again in an hour'),
    );
  };
  const run = (): void => {
    // A bridge closed before the first run (a short-lived one) has a closed store: nothing to prune.
    if (stopped) return;
    pruneState();
    if (retentionDays <= 0) return;
    const cutoff = now() - retentionDays * DAY_MS;
    let total = 0;
    const step = (): void => {
      if (stopped) return;
      store.pruneHistory(cutoff).then(
        (n) => {
          total += n;
          if (n > 0) return void setImmediate(step);
          if (total > 0) log.info({ events: total, before: new Date(cutoff).toISOString() }, 'history pruned');
        },
        (err: unknown) => log.warn({ err }, 'pruning history failed; trying again in an hour'),
      );
    };
    step();
  };
  const timer = setInterval(run, HOUR_MS);
  timer.unref();
  const first = setImmediate(run);
  return () => {
    stopped = true;
    clearImmediate(first);
    clearInterval(timer);
  };
}
