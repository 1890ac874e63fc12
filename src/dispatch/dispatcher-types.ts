import type { Outcome } from '../actions/action.js';
import type { Logger } from '../log.js';
import type { JobQueue, JobUpdate } from '../store/job-queue.js';
import type { BreakerState } from './circuit-breaker.js';
import type { DispatchPolicy } from './dispatch-policy.js';
import type { DispatchDestination } from './lane.js';
import type { RateLimiter } from './rate-limiter.js';

/** Schedules `fn` after `ms`; returns a cancel function. Injected so tests drive time. */
export type SetTimer = (fn: () => void, ms: number) => () => void;

/** One job's attempt as it was settled: for metrics (`onSettled`). */
export interface SettledJob {
  readonly jobId: string;
  /** The rule that planned the job. */
  readonly rule: string;
  readonly destination: string;
  readonly kind: string;
  /** What the sender reported for this attempt. */
  readonly outcome: Outcome['status'];
  /** What the dispatcher made of it: delivered, retry scheduled, dead letter, or ambiguous. */
  readonly result: JobUpdate['to'];
  /** Attempts so far, this one included. */
  readonly attempts: number;
  /** Time since the job was stored (for a `done` job, its delivery latency). */
  readonly ageMs: number;
  /** The vendor's id for a delivered job (`dry-run` from the dry-run sender). */
  readonly ref?: string;
}

export interface DispatcherOptions {
  readonly queue: JobQueue;
  readonly destinations: ReadonlyMap<string, DispatchDestination>;
  readonly now: () => number;
  readonly log: Logger;
  readonly policy?: Partial<DispatchPolicy>;
  /** In [0, 1), for backoff jitter. */
  readonly random?: () => number;
  readonly setTimer?: SetTimer;
  /**
   * The rate limiter the destinations' budgets are kept in; pass one to share them with other
   * callers of the same vendors (the planner's CRM lookups spend a HubSpot destination's). Default: its own.
   */
  readonly limiter?: RateLimiter;
  /** Called for every settled attempt, after it is stored. Must not throw (errors are logged). */
  readonly onSettled?: (e: SettledJob) => void;
  /** Cuts known credential values out of every reason stored or logged (see next-step.ts). */
  readonly scrub?: (text: string) => string;
  /**
   * Several processes on one store: whether this one runs the destination's lane now (lane-leases.ts).
   * Given, `start` recovers nothing itself: `recoverLanes` does, for each lane as it is taken.
   * Default: every lane (one process per store).
   */
  readonly owns?: (destination: string) => boolean;
}

export interface Dispatcher {
  /**
   * Puts jobs left running by a crash back to pending, then starts the loop. Resolves once they
   * are back (rejects if the store could not put them back); nothing is claimed before.
   */
  start(): Promise<void>;
  /** Something may be due now (the intake committed jobs): run the loop soon. */
  wake(): void;
  /**
   * Lanes this process has just taken over: their running jobs (not in flight here) go back to
   * pending, counted as an attempt, as at a restart; then the loop runs. Resolves how many.
   */
  recoverLanes(destinations: readonly string[]): Promise<number>;
  /** Whether the destination's lane has calls in flight here. */
  laneBusy(destination: string): boolean;
  /**
   * Stops claiming, waits up to `timeoutMs` for calls in flight, then aborts the rest. Their jobs
   * stay `running` in the store and run again on the next start.
   */
  stop(opts?: { readonly timeoutMs?: number }): Promise<{ readonly abandoned: number }>;
  /** Resolves when no call is in flight and nothing is due (rate-limited and backed-off jobs are not due). */
  idle(): Promise<void>;
  /** For metrics: calls in flight and each destination's breaker. */
  stats(): { readonly inFlight: number; readonly breakers: Readonly<Record<string, BreakerState>> };
}
