import type pg from 'pg';
import type { Logger } from '../../log.js';
import type { Store } from '../store.js';
import type { GroupCommitStats } from '../group-commit.js';
import { createPgListener } from './pg-listener.js';
import { createPgPool } from './pg-pool.js';
import { migratePg } from './pg-migrations.js';
import { createPgIntake } from './pg-intake.js';
import { createPlannerLock } from './pg-planner-lock.js';
import { createPgPlannerStore } from './pg-planner-store.js';
import { createPgDigestStore } from './pg-digest-store.js';
import { createPgHistoryReader } from './pg-history-reader.js';
import { createPgForgetPerson } from './pg-forget-person.js';
import { createPgHistoryPruner } from './pg-history.js';
import { createPgJobQueue } from './pg-job-queue.js';
import { createPgDeliveryQueries } from './pg-delivery-queries.js';
import type { LeaseStore } from '../lease-store.js';
import { createPgLeaseStore } from './pg-lease-store.js';

export const DEFAULT_DEDUPE_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

export interface PgStoreOptions {
  /** `postgres://…` (DATABASE_URL). */
  readonly url: string;
  readonly now: () => number;
  readonly log: Logger;
  readonly dedupeWindowMs?: number;
  readonly maxBatch?: number;
  /** Pool size (default 10). */
  readonly poolSize?: number;
  readonly onAccepted?: (count: number) => void;
  /** How often readiness pings the database (default 5 s). */
  readonly pingEveryMs?: number;
}

/** The store on PostgreSQL: every contract of `Store`, any number of processes on one database. */
export interface PgStore extends Store {
  readonly pool: pg.Pool;
  /** Which process runs each destination's lane (dispatch/lane-leases.ts). */
  readonly leases: LeaseStore;
  /** Group-commit counters (transactions, items, largest batch) for tests and metrics. */
  intakeStats(): GroupCommitStats;
}

/** `url` without its password, for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/**
 * Connects to `url` and brings its schema up to date (pg-migrations.ts). A commit is durable
 * before `accept` resolves with PostgreSQL's defaults (`synchronous_commit = on`, `fsync = on`).
 *
 * @example
 * const store = await openPgStore({ url: process.env.DATABASE_URL, now: Date.now, log, onAccepted: () => planner.wake() });
 */
export async function openPgStore(opts: PgStoreOptions): Promise<PgStore> {
  const location = redactUrl(opts.url);
  const pool = createPgPool({ url: opts.url, ...(opts.poolSize !== undefined && { max: opts.poolSize }) });
  // An idle pooled connection that the server drops must not crash the process; the next query reconnects.
  pool.on('error', (err) => opts.log.warn({ err }, 'PostgreSQL connection lost'));
  let version: number;
  try {
    version = await migratePg(pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new Error(`cannot open the PostgreSQL store at ${location}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  opts.log.info({ database: location, schemaVersion: version }, 'store opened');
  const dedupeWindowMs = opts.dedupeWindowMs ?? DEFAULT_DEDUPE_WINDOW_MS;
  const intake = createPgIntake({ pool, now: opts.now, log: opts.log, dedupeWindowMs, ...(opts.maxBatch !== undefined && { maxBatch: opts.maxBatch }), ...(opts.onAccepted !== undefined && { onAccepted: opts.onAccepted }) });
  const lock = createPlannerLock(opts.url, opts.log, { now: opts.now });
  let closed = false;
  // Readiness without waiting on the database: the outcome of the latest ping, every few seconds.
  let reachable = true;
  const ping = setInterval(() => {
    pool.query('SELECT 1').then(() => (reachable = true), () => (reachable = false));
  }, opts.pingEveryMs ?? 5000);
  ping.unref();
  return {
    location,
    shared: true,
    subscribe: (on) => createPgListener(opts.url, on, opts.log),
    pool,
    planner: createPgPlannerStore(pool, lock),
    digests: createPgDigestStore(pool),
    queue: createPgJobQueue(pool),
    leases: createPgLeaseStore(pool),
    deliveries: createPgDeliveryQueries(pool),
    history: createPgHistoryReader(pool),
    forgetPerson: createPgForgetPerson(pool),
    accept(event) {
      if (closed) return Promise.reject(new Error('store is closed'));
      return intake.accept(event);
    },
    pruneDedupe: (now) => intake.pruneDedupe(now),
    pruneHistory: createPgHistoryPruner(pool, { now: opts.now, dedupeWindowMs }),
    writable: () => !closed && reachable && intake.lastCommitOk(),
    intakeStats: () => intake.stats(),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(ping);
      await intake.drain();
      await lock.close();
      await pool.end();
    },
  };
}
