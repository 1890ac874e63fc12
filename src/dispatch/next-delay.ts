/** Exponential backoff: the ceiling doubles from `baseMs` per attempt, up to `capMs`. */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly factor: number;
  readonly capMs: number;
}

/** 1 s, 2 s, 4 s … capped at 1 h (reliability.md §5.1: mirror how webhook senders retry). */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, factor: 2, capMs: 60 * 60 * 1000 };

/**
 * Delay before the next try after failed attempt number `attempt` (1-based), with full jitter:
 * uniform in [0, min(cap, base·factor^(attempt-1))), so retries from many jobs spread out instead
 * of arriving together (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 * A vendor's `Retry-After` is a floor: never retry sooner than it asked, even above the cap.
 * Pure: `random` returns a number in [0, 1).
 */
export function nextDelay(attempt: number, random: () => number, policy: BackoffPolicy = DEFAULT_BACKOFF, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * policy.factor ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  return retryAfterMs === undefined ? jittered : Math.max(jittered, Math.ceil(retryAfterMs));
}
