import { createSqliteForgetPerson } from './sqlite-forget-person.js';
import { createSqliteHistoryReader } from './sqlite-history-reader.js';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../log.js';
import type { Store } from './store.js';
import type { JobQueue } from './job-queue.js';
import type { GroupCommitStats } from './group-commit.js';
import { migrate } from './sqlite-migrations.js';
import { createSqliteIntake } from './sqlite-intake.js';
import { createSqliteJobQueue } from './sqlite-job-queue.js';
import { createSqliteDeliveryQueries } from './sqlite-delivery-queries.js';
import { createSqlitePlannerStore } from './sqlite-planner-store.js';
import { createHistoryPruner } from './sqlite-history.js';
import { createSqliteDigestStore } from './sqlite-digest-store.js';
import { createWalSync, type WalSync } from './wal-sync.js';
import { syncAfterWrites } from './sync-after-writes.js';
import { createSqliteLeaseStore } from './sqlite-lease-store.js';

/** The store's file name inside DATA_DIR. */
export const STORE_FILE = 'bridge.db';

/** The job queue's methods that write: each starts an fsync, not waited for (see openSqliteStore). A claim is left out: lost, its job is pending, as a crash would leave it. */
const QUEUE_WRITES = [
  'complete', 'retryLater', 'deadLetter', 'settle', 'remember', 'release',
  'deferDestination', 'deadLetterOrphans', 'recoverInFlight', 'recoverExpired',
] as const satisfies readonly (keyof JobQueue)[];

export const DEFAULT_DEDUPE_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

export interface SqliteStoreOptions {
  /** Directory for `bridge.db` (created if missing); `DATA_DIR`. */
  readonly dir: string;
  readonly now: () => number;
  readonly log: Logger;
  /** How long a dedupe key is remembered. */
  readonly dedupeWindowMs?: number;
  /** Largest group-commit batch. */
  readonly maxBatch?: number;
  /** Called after a commit stored new events: wire the planner's `wake` here. */
  readonly onAccepted?: (count: number) => void;
  /** How the WAL is fsynced (tests inject a slow or failing one); node's `fs.fsync` by default. */
  readonly fsync?: Parameters<typeof createWalSync>[1];
}

/** The embedded store: every contract of `Store` over one SQLite file. */
export interface SqliteStore extends Store {
  /** `<dir>/bridge.db` (also `location`). */
  readonly file: string;
  /** Group-commit counters (transactions, items, largest batch) for tests and metrics. */
  intakeStats(): GroupCommitStats;
  /** WAL fsyncs run so far (each covers every commit before it). */
  walSyncs(): number;
}

/**
 * Opens (creating if needed) `<dir>/bridge.db`. WAL, committed at `synchronous=NORMAL` and then
 * fsynced off the event loop (wal-sync.ts): `accept` resolves once its commit is on disk, so an
 * acknowledged event survives a crash and a power cut, and so does a plan before its jobs can be
 * claimed; group commit keeps that affordable (https://www.sqlite.org/pragma.html#pragma_synchronous,
 * reliability.md §4.2). The dispatcher's writes (claims, outcomes) are fsynced the same way but not
 * waited for: a power cut can lose the last few milliseconds of them, which replays those jobs
 * exactly as a crash mid-send does.
 *
 * @example
 * const store = openSqliteStore({ dir: settings.DATA_DIR, now: Date.now, log, onAccepted: () => planner.wake() });
 */
export function openSqliteStore(opts: SqliteStoreOptions): SqliteStore {
  mkdirSync(opts.dir, { recursive: true });
  const file = join(opts.dir, STORE_FILE);
  const db = new Database(file);
  let wal: WalSync;
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Operator commands may open the file while the bridge runs: wait for the writer, don't fail.
    db.pragma('busy_timeout = 5000');
    const version = migrate(db);
    // migrate() always writes (user_version), so the WAL file exists now.
    wal = createWalSync(`${file}-wal`, opts.fsync);
    opts.log.info({ file, schemaVersion: version }, 'store opened');
  } catch (err) {
    db.close();
    throw err;
  }
  const sync = wal.sync;
  const syncSoon = (): void => {
    sync().catch((err: unknown) => opts.log.error({ err }, 'store fsync failed'));
  };

  const dedupeWindowMs = opts.dedupeWindowMs ?? DEFAULT_DEDUPE_WINDOW_MS;
  const intake = createSqliteIntake({
    db, now: opts.now, log: opts.log, dedupeWindowMs, maxBatch: opts.maxBatch, onAccepted: opts.onAccepted, durable: sync,
  });
  const queue = createSqliteJobQueue(db);
  const planner = createSqlitePlannerStore(db);
  const digests = createSqliteDigestStore(db);
  const forgetPerson = createSqliteForgetPerson(db);
  const pruneHistory = createHistoryPruner(db, { now: opts.now, dedupeWindowMs });
  let closed = false;

  return {
    file,
    location: file,
    shared: false,
    subscribe: () => ({ close: async () => undefined }),
    // A plan, a flushed digest and a forgotten person are durable before their promise resolves.
    planner: { ...planner, commitPlans: (batch) => planner.commitPlans(batch).then(sync) },
    digests: { ...digests, flushWindow: (w, render, now) => digests.flushWindow(w, render, now).then(async (r) => (await sync(), r)) },
    queue: syncAfterWrites(queue, QUEUE_WRITES, syncSoon),
    leases: createSqliteLeaseStore(db),
    deliveries: syncAfterWrites(createSqliteDeliveryQueries(db), ['requeue', 'enqueueReplay'], syncSoon),
    history: createSqliteHistoryReader(db),
    forgetPerson: (person) => forgetPerson(person).then(async (r) => (await sync(), r)),
    accept(event) {
      if (closed) return Promise.reject(new Error('store is closed'));
      return intake.accept(event);
    },
    // Synchronous inside (better-sqlite3): each resolves at once; `async` makes a throw a rejection.
    pruneDedupe: async (now) => intake.pruneDedupe(now),
    async pruneHistory(cutoff, limit) {
      const n = pruneHistory(cutoff, limit);
      if (n > 0) syncSoon();
      return n;
    },
    writable() {
      if (closed || !db.open || !intake.lastCommitOk()) return false;
      try {
        accessSync(opts.dir, constants.W_OK);
        return true;
      } catch {
        return false;
      }
    },
    intakeStats: () => intake.stats(),
    walSyncs: () => wal.syncs(),
    async close() {
      if (closed) return;
      closed = true;
      intake.flushNow();
      queue.flushNow();
      wal.close();
      db.close();
    },
  };
}
