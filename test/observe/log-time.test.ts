import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureLog } from './capture-log.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('createLogger time', () => {
  it('stamps each line with the ISO time it was written, lines of one millisecond alike', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const captured = captureLog('info');
    vi.setSystemTime(Date.UTC(2026, 11, 3, 15, 0, 0, 1));
    captured.log.info('a');
    captured.log.info('b');
    vi.setSystemTime(Date.UTC(2026, 11, 3, 15, 0, 0, 2));
    captured.log.info('c');
    vi.setSystemTime(Date.UTC(2026, 11, 3, 15, 0, 0, 1));
    captured.log.info('d');
    expect(captured.lines().map((l) => [l.msg, l['time']])).toEqual([
      ['a', '2026-12-03T15:00:00.001Z'],
      ['b', '2026-12-03T15:00:00.001Z'],
      ['c', '2026-12-03T15:00:00.002Z'],
      // A clock set back is followed, not held at the latest time seen.
      ['d', '2026-12-03T15:00:00.001Z'],
    ]);
  });
});
