import type { AnyActionKind, RateLimit, Sender } from '../actions/action.js';
import type { Logger } from '../log.js';
import type { Job } from '../store/job-queue.js';
import { createCircuitBreaker, type CircuitBreaker } from './circuit-breaker.js';
import type { DispatchPolicy } from './dispatch-policy.js';

/** A configured destination as the dispatcher sees it. */
export interface DispatchDestination {
  readonly kind: AnyActionKind;
  /** The destination's parsed config, handed to `kind.rateLimit` and `kind.batchKey`. */
  readonly config: unknown;
  readonly sender: Sender<unknown>;
  /**
   * Retry ambiguous outcomes (timed out after sending). Only for idempotent sends: HubSpot upserts
   * by email, Discord bot messages with `enforce_nonce`. Default false: recorded as `ambiguous`.
   */
  readonly retryAmbiguous?: boolean;
  /** Overrides the policy's per-destination concurrency. */
  readonly concurrency?: number;
}

/** A rate limit with its limiter key (namespaced by destination). */
export interface KeyedLimit {
  readonly key: string;
  readonly limit: RateLimit;
}

/** One destination's runtime state in the dispatcher. */
export interface Lane {
  readonly name: string;
  readonly dest: DispatchDestination;
  readonly breaker: CircuitBreaker;
  /** Jobs one call may carry: the sender's `maxBatch` if the kind batches, else 1. */
  readonly perCall: number;
  inFlight: number;
  /** Nothing is claimed before this: every due job at the head was waiting on a rate limit. */
  holdUntil: number;
  /** The only rate-limit key seen so far (undefined: none yet; null: several), to avoid over-claiming. */
  soleKey: KeyedLimit | null | undefined;
  /** Calls that may start now (concurrency and breaker). */
  slots(now: number): number;
  batchKeyOf(job: Job): string | undefined;
  /** The job's memo keys as the kind names them (undefined: none); the dispatcher scopes them to the destination. */
  memoKeysOf(job: Job): readonly string[];
  rateLimitOf(job: Job): KeyedLimit | undefined;
  /** Vendor requests one call carrying `jobs` makes (kind.requestsPerCall; at least 1). */
  requestsOf(jobs: readonly Job[]): number;
}

export function createLane(name: string, dest: DispatchDestination, policy: DispatchPolicy, log: Logger): Lane {
  const concurrency = Math.max(1, dest.concurrency ?? policy.concurrency);
  const batchable = dest.sender.sendBatch !== undefined && dest.kind.batchKey !== undefined;
  const lane: Lane = {
    name,
    dest,
    breaker: createCircuitBreaker(policy.breaker),
    perCall: batchable ? Math.max(1, dest.sender.maxBatch ?? 1) : 1,
    inFlight: 0,
    holdUntil: 0,
    soleKey: undefined,
    slots: (now) => Math.min(concurrency - lane.inFlight, lane.breaker.allowance(now)),
    batchKeyOf(job) {
      // A kind that throws here just sends that job alone.
      try {
        return dest.kind.batchKey?.(dest.config, job.request);
      } catch (err) {
        log.error({ err, eventId: job.eventId, jobId: job.id, destination: name }, 'batchKey failed; sending alone');
        return undefined;
      }
    },
    memoKeysOf(job) {
      if (dest.kind.memoKeys === undefined) return [];
      // A kind that throws here sends without memos (a thread reply goes out as a new message).
      try {
        return dest.kind.memoKeys(dest.config, job.request, job.planKey);
      } catch (err) {
        log.error({ err, eventId: job.eventId, jobId: job.id, destination: name }, 'memoKeys failed; sending without memos');
        return [];
      }
    },
    rateLimitOf(job) {
      // A kind that throws here is not limited for that job: better than never sending it.
      let limit: RateLimit | undefined;
      try {
        limit = dest.kind.rateLimit(dest.config, job.request);
      } catch (err) {
        log.error({ err, eventId: job.eventId, jobId: job.id, destination: name }, 'rateLimit failed; sending unlimited');
      }
      if (limit === undefined) return undefined;
      const key = `${name}\u0000${limit.key}`;
      if (lane.soleKey === undefined) lane.soleKey = { key, limit };
      else if (lane.soleKey !== null && lane.soleKey.key !== key) lane.soleKey = null;
      return { key, limit };
    },
    requestsOf(jobs) {
      if (dest.kind.requestsPerCall === undefined) return 1;
      // A kind that throws here counts one request: as before it said how many.
      try {
        const n = dest.kind.requestsPerCall(dest.config, jobs.map((j) => j.request));
        return Number.isInteger(n) && n > 1 ? n : 1;
      } catch (err) {
        log.error({ err, destination: name }, 'requestsPerCall failed; counting one request');
        return 1;
      }
    },
  };
  return lane;
}
