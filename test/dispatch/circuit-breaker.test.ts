import { describe, expect, it } from 'vitest';
import { createCircuitBreaker } from '../../src/dispatch/circuit-breaker.js';

describe('createCircuitBreaker', () => {
  it('opens after the threshold of consecutive failures and half-opens after openMs', () => {
    const b = createCircuitBreaker({ threshold: 3, openMs: 1000 });
    expect(b.record(false, false, 0)).toBeUndefined();
    expect(b.record(false, false, 0)).toBeUndefined();
    expect(b.state(0)).toBe('closed');
    expect(b.allowance(0)).toBe(Number.POSITIVE_INFINITY);
    expect(b.record(false, false, 10)).toBe('opened');
    expect([b.state(10), b.allowance(10), b.openUntil()]).toEqual(['open', 0, 1010]);
    expect(b.state(1009)).toBe('open');
    expect([b.state(1010), b.allowance(1010)]).toEqual(['half-open', 1]);
  });

  it('a success resets the count of consecutive failures', () => {
    const b = createCircuitBreaker({ threshold: 2, openMs: 1000 });
    b.record(false, false, 0);
    b.record(true, false, 0);
    expect(b.record(false, false, 0)).toBeUndefined();
    expect(b.state(0)).toBe('closed');
  });

  it('lets one trial through when half-open: success closes, failure opens again', () => {
    const b = createCircuitBreaker({ threshold: 1, openMs: 1000 });
    b.record(false, false, 0);
    expect(b.started(1000)).toBe(true);
    expect(b.allowance(1000)).toBe(0);
    expect(b.record(false, true, 1200)).toBe('opened');
    expect(b.openUntil()).toBe(2200);
    expect(b.started(2200)).toBe(true);
    expect(b.record(true, true, 2300)).toBe('closed');
    expect(b.state(2300)).toBe('closed');
  });

  it('ignores failures of calls that started before it opened', () => {
    const b = createCircuitBreaker({ threshold: 1, openMs: 1000 });
    expect(b.started(0)).toBe(false);
    b.record(false, false, 0);
    expect(b.record(false, false, 5)).toBeUndefined();
    expect(b.openUntil()).toBe(1000);
    expect(b.started(1000)).toBe(true);
    expect(b.record(false, false, 1001)).toBeUndefined(); // an old call, not the trial
    expect(b.allowance(1001)).toBe(0);
  });
});
