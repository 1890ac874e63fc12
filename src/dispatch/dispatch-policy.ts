import { DEFAULT_BACKOFF, type BackoffPolicy } from './next-delay.js';
import { DEFAULT_BREAKER, type BreakerPolicy } from './circuit-breaker.js';

/** How the dispatcher paces, retries and gives up. */
export interface DispatchPolicy {
  /** Calls in flight per destination (a batch call counts once). */
  readonly concurrency: number;
  /** Attempts before a retryable failure becomes a dead letter. */
  readonly maxAttempts: number;
  /** Age (since the job was stored) after which a retryable failure becomes a dead letter. */
  readonly maxAgeMs: number;
  readonly backoff: BackoffPolicy;
  readonly breaker: BreakerPolicy;
  /** Rate-limit bucket size; 1 spaces requests evenly (see rate-limiter.ts). */
  readonly rateBurst: number;
  /**
   * Longest sleep of the loop: it looks for due jobs at least this often, so jobs another process
   * wrote (`bridge replay`) are picked up without a wake.
   */
  readonly pollMs: number;
  /** A batching destination sends a part-filled batch once no job came in for this long (0: at once). */
  readonly batchWaitMs: number;
  /** ... or once its oldest job has waited this long, though jobs keep coming (dispatcher.ts `shouldLinger`). */
  readonly batchMaxWaitMs: number;
  /**
   * A claimed job's lease: the action timeout plus a grace. A job still running this long after
   * its claim, and not in flight here, was lost (its outcome could not be recorded) and runs again.
   */
  readonly leaseMs: number;
}

export const DEFAULT_POLICY: DispatchPolicy = {
  concurrency: 4,
  maxAttempts: 10,
  maxAgeMs: 24 * 60 * 60 * 1000,
  backoff: DEFAULT_BACKOFF,
  breaker: DEFAULT_BREAKER,
  rateBurst: 1,
  pollMs: 5000,
  batchWaitMs: 200,
  batchMaxWaitMs: 1000,
  leaseMs: 10_000 + 30_000,
};

export function resolvePolicy(p: Partial<DispatchPolicy> = {}): DispatchPolicy {
  return {
    ...DEFAULT_POLICY,
    ...p,
    backoff: { ...DEFAULT_BACKOFF, ...p.backoff },
    breaker: { ...DEFAULT_BREAKER, ...p.breaker },
  };
}
