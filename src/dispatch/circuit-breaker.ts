export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerPolicy {
  /** Consecutive retryable failures that open the breaker. */
  readonly threshold: number;
  /** How long it stays open before letting one trial call through. */
  readonly openMs: number;
}

export const DEFAULT_BREAKER: BreakerPolicy = { threshold: 5, openMs: 30_000 };

/** What a recorded result changed, for logging. */
export type BreakerTransition = 'opened' | 'closed' | undefined;

export interface CircuitBreaker {
  state(now: number): BreakerState;
  /** When an open breaker lets a trial through. */
  openUntil(): number;
  /** Calls that may start now: unlimited when closed, none when open, one trial when half-open. */
  allowance(now: number): number;
  /** Marks a call as started; returns true if it is the half-open trial (which takes the only place). */
  started(now: number): boolean;
  /**
   * Records how a call went: `healthy` = the destination answered (ok or a permanent error);
   * `trial` = what `started` returned for that call.
   */
  record(healthy: boolean, trial: boolean, now: number): BreakerTransition;
}

/**
 * One destination's circuit breaker. While it is open the dispatcher sends nothing there and
 * pushes that destination's jobs back without using their attempts (reliability.md §5.3), so an
 * outage does not burn through every job's retries. A trial after `openMs` either closes it or
 * opens it again.
 */
export function createCircuitBreaker(policy: BreakerPolicy = DEFAULT_BREAKER): CircuitBreaker {
  let failures = 0;
  let openedUntil = Number.NEGATIVE_INFINITY;
  let open = false;
  let trialInFlight = false;

  function state(now: number): BreakerState {
    if (!open) return 'closed';
    return now < openedUntil ? 'open' : 'half-open';
  }

  return {
    state,
    openUntil: () => openedUntil,
    allowance(now) {
      const s = state(now);
      if (s === 'closed') return Number.POSITIVE_INFINITY;
      return s === 'half-open' && !trialInFlight ? 1 : 0;
    },
    started(now) {
      if (state(now) !== 'half-open') return false;
      trialInFlight = true;
      return true;
    },
    record(healthy, trial, now) {
      if (trial) trialInFlight = false;
      if (healthy) {
        failures = 0;
        if (!open) return undefined;
        open = false;
        return 'closed';
      }
      if (open && !trial) return undefined; // started before it opened: that outage is counted already
      failures += 1;
      if (!trial && failures < policy.threshold) return undefined;
      trialInFlight = false;
      failures = 0;
      open = true;
      openedUntil = now + policy.openMs;
      return 'opened';
    },
  };
}
