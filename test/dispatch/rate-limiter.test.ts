import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/dispatch/rate-limiter.js';

const slack = { key: 'C1', limit: 1, intervalMs: 1000 };
/** Spaced like `slack` (one per 1,000 ms) but not one-at-a-time: the plain GCRA. */
const evenly = { key: 'E1', limit: 2, intervalMs: 2000 };
const hubspot = { key: 'portal', limit: 100, intervalMs: 10_000 };

describe('createRateLimiter', () => {
  it('spaces requests evenly by default', () => {
    const r = createRateLimiter();
    expect(r.take('a', evenly, 0)).toBe(0);
    expect(r.wait('a', evenly, 0)).toBe(1000);
    expect(r.take('a', evenly, 400)).toBe(600);
    expect(r.take('a', evenly, 1000)).toBe(0);
    expect(r.take('b', evenly, 1000)).toBe(0); // keys are independent
    expect(r.take('h', hubspot, 0)).toBe(0);
    expect(r.take('h', hubspot, 99)).toBe(1);
    expect(r.take('h', hubspot, 100)).toBe(0);
  });

  it('spends one spacing per request of a call: two requests push the next slot two spacings', () => {
    const r = createRateLimiter();
    expect(r.take('h', hubspot, 0, 2)).toBe(0);
    expect(r.take('h', hubspot, 100)).toBe(100);
    expect(r.take('h', hubspot, 200, 3)).toBe(0);
    expect(r.wait('h', hubspot, 200)).toBe(300);
  });

  it('never lets more requests than the limit through in any rolling window, calls of one or two alike', () => {
    const r = createRateLimiter();
    const sent: number[] = [];
    for (let t = 0, n = 0; t < 30_000; t += 7, n += 1) {
      const requests = n % 3 === 0 ? 2 : 1;
      if (r.take('h', hubspot, t, requests) === 0) for (let i = 0; i < requests; i++) sent.push(t);
    }
    expect(sent.length).toBeGreaterThan(250);
    for (const start of sent) expect(sent.filter((s) => s >= start && s < start + 10_000).length).toBeLessThanOrEqual(100);
  });

  it('charges requests a call already made: the next slot moves on by as many spacings', () => {
    const r = createRateLimiter();
    expect(r.take('h', hubspot, 0)).toBe(0);
    r.charge('h', hubspot, 50, 4);
    expect(r.wait('h', hubspot, 50)).toBe(450);
    r.charge('h', hubspot, 50, 0);
    expect(r.wait('h', hubspot, 50)).toBe(450);
    r.charge('idle', hubspot, 1000, 2);
    expect(r.wait('idle', hubspot, 1000)).toBe(200);
  });

  it('never lets more than the limit through in any rolling window', () => {
    const r = createRateLimiter();
    const sent: number[] = [];
    for (let t = 0; t < 30_000; t += 7) if (r.take('h', hubspot, t) === 0) sent.push(t);
    for (const start of sent) expect(sent.filter((s) => s >= start && s < start + 10_000).length).toBeLessThanOrEqual(100);
  });

  it.each([
    { case: 'answered at once: an interval after the answer', answeredAt: 30, next: 1030 },
    { case: 'answered late: the next waits an interval after the answer', answeredAt: 300, next: 1300 },
    { case: 'answered after the next slot: still an interval after the answer', answeredAt: 1500, next: 2500 },
  ])('one per interval is one at a time ($case)', ({ answeredAt, next }) => {
    const r = createRateLimiter();
    expect(r.take('a', slack, 0)).toBe(0);
    r.answered('a', slack, answeredAt);
    expect(r.wait('a', slack, answeredAt)).toBe(next - answeredAt);
  });

  it('one per interval gives no slot while the last call is unanswered', () => {
    const r = createRateLimiter();
    expect(r.take('a', slack, 0)).toBe(0);
    expect(r.take('a', slack, 1500)).toBe(250); // asked again in a quarter interval
    r.answered('a', slack, 1600);
    expect(r.take('a', slack, 1600)).toBe(1000);
    expect(r.take('a', slack, 2600)).toBe(0);
  });

  it('a limit above one counts departures only (an answer does not push the next slot)', () => {
    const r = createRateLimiter();
    expect(r.take('h', hubspot, 0)).toBe(0);
    r.answered('h', hubspot, 450);
    expect(r.wait('h', hubspot, 100)).toBe(0);
  });

  it('allows a burst of `burst` requests', () => {
    const r = createRateLimiter(3);
    expect([r.take('a', evenly, 0), r.take('a', evenly, 0), r.take('a', evenly, 0), r.take('a', evenly, 0)]).toEqual([0, 0, 0, 1000]);
  });

  it('holds a key until a Retry-After has passed', () => {
    const r = createRateLimiter();
    r.pauseUntil('a', 5000);
    expect(r.take('a', slack, 1000)).toBe(4000);
    expect(r.wait('a', slack, 4999)).toBe(1);
    expect(r.take('a', slack, 5000)).toBe(0);
  });
});
