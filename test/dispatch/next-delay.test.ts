import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, nextDelay } from '../../src/dispatch/next-delay.js';

describe('nextDelay', () => {
  it.each([
    // attempt, random, retryAfterMs, expected
    [1, 0.5, undefined, 500],
    [2, 0.5, undefined, 1000],
    [3, 0.5, undefined, 2000],
    [10, 0.5, undefined, 256_000],
    [13, 0.5, undefined, 1_800_000], // 4096 s ceiling capped at 1 h
    [40, 0.999, undefined, 3_596_400],
    [1, 0, undefined, 0],
    [1, 0.999, undefined, 999],
    [1, 0.5, 30_000, 30_000], // Retry-After is a floor
    [3, 0.5, 1500, 2000], // … and does not shorten a longer backoff
    [13, 0.5, 7_200_000, 7_200_000], // … even above the cap
    [1, 0.5, 0.4, 500],
  ])('attempt %i, random %f, Retry-After %s → %i ms', (attempt, random, retryAfter, expected) => {
    expect(nextDelay(attempt, () => random, DEFAULT_BACKOFF, retryAfter)).toBe(expected);
  });

  it('uses the given policy', () => {
    expect(nextDelay(3, () => 0.5, { baseMs: 100, factor: 3, capMs: 10_000 })).toBe(450);
  });
});
