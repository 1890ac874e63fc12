import type { NewJob } from './store.js';

/**
 * Where a job is in its life. `pending` and `running` are live; `done`, `dead` and `ambiguous`
 * are terminal until an operator replays the job.
 */
export type JobStatus = 'pending' | 'running' | 'done' | 'dead' | 'ambiguous';

export const JOB_STATUSES: readonly JobStatus[] = ['pending', 'running', 'done', 'dead', 'ambiguous'];

/**
 * One action job as the queue holds it: what the intake stored, and where it is now. Nullable
 * columns are `null`, so rows print as they are. `id` is the plan key `${eventId}:${rule}:${index}`,
 * or `${planKey}#r${n}` for the n-th replay.
 */
export interface Job extends NewJob {
  /** The plan key, the same for a job and all its replays: the idempotency key senders pass on. */
  readonly planKey: string;
  readonly status: JobStatus;
  /** Attempts started so far (a claim counts one, a rate-limit or breaker push-back gives it back). */
  readonly attempts: number;
  /** When the job is (or was last) due, ms since the epoch. */
  readonly nextAt: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly lastError: string | null;
  /** What the vendor returned for a delivered job: Slack `ts`, Discord message id, HubSpot object id. */
  readonly ref: string | null;
  /** The channel a delivered message went to, as the vendor answered (Slack channel id, Discord channel_id); null otherwise. */
  readonly refChannel: string | null;
  /** The job this one replays, if it is a replay. */
  readonly replayOf: string | null;
}

/** How one attempt ended, as the queue records it. */
export type JobResult =
  | { readonly status: 'ok'; readonly ref?: string; readonly channel?: string }
  | { readonly status: 'fail'; readonly reason: string }
  | { readonly status: 'ambiguous'; readonly reason: string };

/** One state change for a running job; `settle` applies many in one transaction. */
export type JobUpdate =
  | { readonly id: string; readonly to: 'done'; readonly ref?: string; readonly channel?: string }
  | { readonly id: string; readonly to: 'dead' | 'ambiguous'; readonly reason: string }
  | { readonly id: string; readonly to: 'retry'; readonly at: number; readonly reason: string };

/**
 * A vendor id the dispatcher remembers for later attempts and jobs (a Slack thread root's `ts`, a
 * HubSpot note id per job), stored in the `state` table (scope `memo`); `expiresAt` null keeps it.
 */
export interface MemoWrite {
  readonly key: string;
  readonly value: string;
  readonly expiresAt: number | null;
}

/**
 * The dispatcher's view of the durable job queue. Delivery is at-least-once: a claimed job that is
 * never settled (the process died) runs again after `recoverInFlight`. Async on every engine, as
 * every store contract is (SQLite answers at once; an engine over the network cannot).
 *
 * Shaped so a BullMQ engine can implement it later (not built here):
 * - one BullMQ queue per destination (`destination` ≈ queue name), so BullMQ's per-queue limiter
 *   and `worker.rateLimit()` map onto each vendor's limits;
 * - `claimDue` ≈ a worker fetching jobs (`moveToActive`), which takes the lock and counts an attempt;
 * - `complete` ≈ `moveToCompleted` (ok) / `moveToFailed` with `UnrecoverableError` (fail, ambiguous);
 * - `retryLater` ≈ `moveToDelayed(at)` with our own backoff; `deadLetter` ≈ the `failed` set;
 * - `release` ≈ throwing `Worker.RateLimitError()` (back to wait without using an attempt);
 * - `deferDestination` ≈ `worker.rateLimit(ms)` / pausing that destination's queue;
 * - `recoverInFlight` / `recoverExpired` ≈ the stalled-job check (lock expiry moves active jobs back to wait);
 * - job ids are the plan keys (BullMQ `jobId`), which dedupes enqueues the same way.
 */
/** How many due jobs one destination may take now. */
export interface ClaimWant {
  readonly destination: string;
  readonly limit: number;
}

export interface JobQueue {
  /** Atomically marks up to `limit` due pending jobs running (oldest due first) and counts an attempt on each. */
  claimDue(now: number, limit: number, opts?: { readonly destination?: string }): Promise<Job[]>;
  /**
   * `claimDue` for several destinations in one round trip: up to each one's `limit` of its due
   * jobs, oldest due first within a destination. A dispatcher owning many lanes asks once a turn
   * instead of once a lane (an idle lane then costs an index probe, not a query).
   */
  claimDueFor(now: number, wants: readonly ClaimWant[]): Promise<Job[]>;
  /** Records the end of a running job: ok → done (with ref), fail → dead, ambiguous → ambiguous. */
  complete(id: string, result: JobResult, now: number): Promise<void>;
  /** Puts a running job back to pending, due at `at`, keeping `reason` as its last error. */
  retryLater(id: string, at: number, reason: string, now: number): Promise<void>;
  /** Moves a running or pending job to dead with `reason` as its last error. */
  deadLetter(id: string, reason: string, now: number): Promise<void>;
  /** Applies several updates to running jobs in one commit (a batch call's outcomes). */
  settle(updates: readonly JobUpdate[], now: number): Promise<void>;
  /** Records memos (upserting by key) in one commit. */
  remember(memos: readonly MemoWrite[]): Promise<void>;
  /** The memos recorded under `keys` that have not expired by `now`. */
  readMemos(keys: readonly string[], now: number): Promise<Map<string, string>>;
  /** Puts claimed jobs back to pending, due at `at`, giving back the attempt the claim counted. */
  release(ids: readonly string[], at: number, now: number): Promise<void>;
  /** Pushes every pending job of `destination` due before `until` to `until` (no attempt used). */
  deferDestination(destination: string, until: number, now: number): Promise<number>;
  /**
   * Dead-letters every pending job whose destination is not among `destinations` (it left the
   * rules), each with `reason(destination)`. Returns how many per destination.
   */
  deadLetterOrphans(destinations: readonly string[], reason: (destination: string) => string, now: number): Promise<{ destination: string; jobs: number }[]>;
  /**
   * running → pending, due now (their claim counted the attempt). At start-up with one process per
   * store, every running job; when a process takes over lanes (lane-leases.ts), only those
   * `destinations`' jobs, except the ids it still has in flight itself.
   */
  recoverInFlight(now: number, opts?: { readonly destinations?: readonly string[]; readonly except?: readonly string[] }): Promise<number>;
  /**
   * While running: running jobs claimed at or before `claimedBefore` (except the ids given) go back
   * to pending, due now, exactly as `recoverInFlight` does at start-up (the claim counted their
   * attempt). A claim's lease is the action timeout plus a grace: a call never outlives its
   * timeout, so a job still running past it was lost (its outcome could not be recorded, or the
   * process running it died). `except` is what this process still has in flight.
   */
  recoverExpired(claimedBefore: number, now: number, opts?: { readonly except?: readonly string[] }): Promise<number>;
  /** Earliest `nextAt` of a pending job (of the given destinations, if any), or undefined. */
  nextDueAt(opts?: { readonly destinations?: readonly string[] }): Promise<number | undefined>;
}
