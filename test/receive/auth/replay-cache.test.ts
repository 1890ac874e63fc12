import { describe, expect, it } from 'vitest';
import { createReplayCache } from '../../../src/receive/auth/replay-cache.js';

describe('createReplayCache', () => {
  it('remembers a key until it expires', () => {
    let now = 1_000;
    const c = createReplayCache(() => now);
    expect(c.remember('a', 2_000)).toBe(true);
    expect(c.remember('a', 2_000)).toBe(false);
    now = 2_000;
    expect(c.remember('a', 3_000)).toBe(true);
  });

  it('keeps at most max entries, dropping the oldest', () => {
    const c = createReplayCache(() => 0, 3);
    for (const k of ['a', 'b', 'c', 'd']) expect(c.remember(k, 10)).toBe(true);
    expect(c.remember('a', 10)).toBe(true);
    expect(c.remember('d', 10)).toBe(false);
  });

  it('forgets on request', () => {
    const c = createReplayCache(() => 0);
    c.remember('a', 10);
    c.forget('a');
    expect(c.remember('a', 10)).toBe(true);
  });
});
