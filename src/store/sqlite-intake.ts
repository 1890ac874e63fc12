import type { Database } from 'better-sqlite3';
import type { Logger } from '../log.js';
import type { AcceptResult, IntakeStore, StoredEvent } from './store.js';
import { createGroupCommit, type GroupCommitStats } from './group-commit.js';
import type { DurableBarrier } from './wal-sync.js';

export interface SqliteIntakeOptions {
  readonly db: Database;
  readonly now: () => number;
  readonly log: Logger;
  readonly dedupeWindowMs: number;
  /** Largest batch one transaction takes (reliability.md Appendix: flush early at 256). */
  readonly maxBatch?: number;
  /** How often a commit also prunes expired dedupe keys. */
  readonly pruneEveryMs?: number;
  /** Called after each commit that stored something new (the planner's `wake`). */
  readonly onAccepted?: (count: number) => void;
  /** With the store at `synchronous = NORMAL`: a batch is acknowledged once this resolves (wal-sync.ts). */
  readonly durable?: DurableBarrier;
}

export interface SqliteIntake extends IntakeStore {
  /** False after a commit failed, until one succeeds again. */
  lastCommitOk(): boolean;
  /** Deletes remembered ids (of pruned events) older than the window; returns how many. */
  pruneDedupe(now: number): number;
  flushNow(): void;
  stats(): GroupCommitStats;
}

/**
 * The durable intake: dedupe, then the event, in one transaction shared by every request of the
 * same event-loop turn (group commit). `accept` resolves only after the commit. Planning happens
 * behind it (src/planner), so this path writes one row per event and nothing else.
 *
 * The event id is the dedupe key (the sender's delivery id, or the content id). A stored event is
 * its own dedupe record, so the common case writes no separate key; the `dedupe` table holds only
 * the ids of events that history pruning removed before the dedupe window ended. Duplicates
 * inside one batch are caught the same way, since each item sees the rows written before it in the
 * same transaction. With `durable`, a batch is acknowledged after the fsync that follows its
 * commit, off the event loop, instead of inside it.
 */
export function createSqliteIntake(opts: SqliteIntakeOptions): SqliteIntake {
  const { db, now, dedupeWindowMs } = opts;
  const pruneEveryMs = opts.pruneEveryMs ?? 60 * 60 * 1000;
  let lastPrune = Number.NEGATIVE_INFINITY;
  let commitOk = true;
  let syncOk = true;
  const barrier = opts.durable;
  const durable =
    barrier === undefined
      ? undefined
      : (): Promise<void> =>
          barrier().then(
            () => {
              syncOk = true;
            },
            (err: unknown) => {
              syncOk = false;
              throw err;
            },
          );

  const prunedAt = db.prepare<[string], { seen_at: number }>('SELECT seen_at FROM dedupe WHERE key = ?');
  const insertEvent = db.prepare(
    `INSERT OR IGNORE INTO events (id, type, name, payload, rules_version, received_at, headers)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const prune = db.prepare('DELETE FROM dedupe WHERE seen_at <= ?');

  function acceptOne(e: StoredEvent, t: number): AcceptResult {
    const pruned = prunedAt.get(e.id);
    if (pruned !== undefined && pruned.seen_at > t - dedupeWindowMs) return 'duplicate';
    const stored = insertEvent.run(e.id, e.type, e.name, e.payload, e.rulesVersion, e.receivedAt, e.headers ?? null);
    return stored.changes === 0 ? 'duplicate' : 'accepted';
  }

  const commitBatch = db.transaction((items: readonly StoredEvent[], t: number) => items.map((e) => acceptOne(e, t)));

  function pruneDedupe(t: number): number {
    lastPrune = t;
    return prune.run(t - dedupeWindowMs).changes;
  }

  /** Housekeeping after a commit: it must not fail a batch that is already durable. */
  function afterCommit(results: readonly AcceptResult[], t: number): void {
    try {
      if (t - lastPrune >= pruneEveryMs) pruneDedupe(t);
      const accepted = results.filter((r) => r === 'accepted').length;
      if (accepted > 0) opts.onAccepted?.(accepted);
    } catch (err) {
      opts.log.warn({ err }, 'after intake commit');
    }
  }

  const group = createGroupCommit<StoredEvent, AcceptResult>((items) => {
    const t = now();
    let results: AcceptResult[];
    try {
      // IMMEDIATE: the batch reads (pruned ids) before it writes. Deferred, a commit from another
      // process in between (an operator command) would fail it with SQLITE_BUSY, not wait for it.
      results = commitBatch.immediate(items, t);
    } catch (err) {
      commitOk = false;
      throw err;
    }
    commitOk = true;
    afterCommit(results, t);
    return results;
  }, opts.maxBatch ?? 256, durable);

  return {
    accept: (event) => group.submit(event),
    lastCommitOk: () => commitOk && syncOk,
    pruneDedupe,
    flushNow: () => group.flushNow(),
    stats: () => group.stats(),
  };
}
