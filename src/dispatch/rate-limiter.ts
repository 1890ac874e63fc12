import type { RateLimit } from '../actions/action.js';

export interface RateLimiter {
  /**
   * Takes a slot for `key` if one is free now (returns 0), else returns the ms until one is. A
   * call of `requests` vendor requests (default 1) spends that many: the next slot is that many
   * spacings later.
   */
  take(key: string, limit: RateLimit, now: number, requests?: number): number;
  /** Spends `requests` more slots of `key` a call already made (see SendContext.spentRequests). */
  charge(key: string, limit: RateLimit, now: number, requests: number): void;
  /** Like `take` without taking: 0 if a slot is free now, else the ms until one is. */
  wait(key: string, limit: RateLimit, now: number): number;
  /** Nothing goes out for `key` before `until` (a vendor's Retry-After). */
  pauseUntil(key: string, until: number): void;
  /** A call holding a slot of `key` was answered at `now` (see `createRateLimiter`). */
  answered(key: string, limit: RateLimit, now: number): void;
}

/**
 * Token buckets keyed by (destination, vendor key), implemented as GCRA: each key keeps the
 * theoretical arrival time (`tat`) of its next request. `burst` is the bucket size. The default of
 * 1 spaces requests evenly at `intervalMs / limit`: that never exceeds a rolling-window limit such
 * as HubSpot's 100 per 10 s (a full bucket of 100 plus its refill could send almost 200 in one
 * window), and the gaps let batches fill up between calls.
 *
 * A limit of one per interval (Slack: one message per second per channel) is one at a time: no
 * slot while a call of that key is unanswered, and the next one an interval after the answer.
 * Spacing only the departures lets a request that left late (a first connection, a busy event
 * loop) land less than an interval before the next one, and a strict vendor refuses that.
 */
export function createRateLimiter(burst = 1): RateLimiter {
  const tat = new Map<string, number>();
  const paused = new Map<string, number>();
  const unanswered = new Set<string>();

  /** Moves `key`'s next slot `requests` spacings on. */
  function spend(key: string, limit: RateLimit, now: number, requests: number): void {
    tat.set(key, Math.max(tat.get(key) ?? now, now) + (requests * limit.intervalMs) / limit.limit);
  }

  function wait(key: string, limit: RateLimit, now: number): number {
    const pause = (paused.get(key) ?? now) - now;
    if (pause > 0) return Math.ceil(pause);
    const spacing = limit.intervalMs / limit.limit;
    // Asked again a few times an interval; `answered` sets the real time.
    if (unanswered.has(key)) return Math.max(1, Math.ceil(spacing / 4));
    const lead = Math.max(tat.get(key) ?? now, now) - now;
    return Math.max(0, Math.ceil(lead - (burst - 1) * spacing));
  }

  return {
    wait,
    take(key, limit, now, requests = 1) {
      const w = wait(key, limit, now);
      if (w > 0) return w;
      spend(key, limit, now, requests);
      if (limit.limit === 1) unanswered.add(key);
      return 0;
    },
    charge(key, limit, now, requests) {
      if (requests > 0) spend(key, limit, now, requests);
    },
    answered(key, limit, now) {
      if (limit.limit !== 1) return;
      unanswered.delete(key);
      tat.set(key, Math.max(tat.get(key) ?? now, now + limit.intervalMs));
    },
    pauseUntil(key, until) {
      paused.set(key, Math.max(paused.get(key) ?? until, until));
    },
  };
}
