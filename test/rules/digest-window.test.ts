import { describe, expect, it } from 'vitest';
import { digestWindow, type DigestSchedule } from '../../src/rules/digest-window.js';

const iso = (t: number): string => new Date(t).toISOString();
const window = (schedule: DigestSchedule, at: string): [string, string] => {
  const w = digestWindow(schedule, Date.parse(at));
  return [iso(w.start), iso(w.end)];
};
const hourly: DigestSchedule = { everyMs: 3_600_000 };
const twoSeconds: DigestSchedule = { everyMs: 2000 };
const sevenMinutes: DigestSchedule = { everyMs: 7 * 60_000 };
const berlin9: DigestSchedule = { atMinutes: 9 * 60, tz: 'Europe/Berlin' };
const berlin0230: DigestSchedule = { atMinutes: 2 * 60 + 30, tz: 'Europe/Berlin' };
const newYork9: DigestSchedule = { atMinutes: 9 * 60, tz: 'America/New_York' };

describe('digestWindow: every, aligned to the Unix epoch', () => {
  it.each<[string, DigestSchedule, string, string, string]>([
    ['inside an hour', hourly, '2026-12-02T14:37:12.345Z', '2026-12-02T14:00:00.000Z', '2026-12-02T15:00:00.000Z'],
    ['at its start', hourly, '2026-12-02T14:00:00.000Z', '2026-12-02T14:00:00.000Z', '2026-12-02T15:00:00.000Z'],
    ['a millisecond before its end', hourly, '2026-12-02T14:59:59.999Z', '2026-12-02T14:00:00.000Z', '2026-12-02T15:00:00.000Z'],
    ['exactly at its end: the next window', hourly, '2026-12-02T15:00:00.000Z', '2026-12-02T15:00:00.000Z', '2026-12-02T16:00:00.000Z'],
    ['2s windows', twoSeconds, '2026-12-02T14:00:03.999Z', '2026-12-02T14:00:02.000Z', '2026-12-02T14:00:04.000Z'],
    ['2s, at an end', twoSeconds, '2026-12-02T14:00:04.000Z', '2026-12-02T14:00:04.000Z', '2026-12-02T14:00:06.000Z'],
    // 7 minutes do not divide an hour: the windows run on from 1970, not from the hour.
    ['7m windows', sevenMinutes, '2026-12-02T14:00:00.000Z', '2026-12-02T13:58:00.000Z', '2026-12-02T14:05:00.000Z'],
    ['the epoch itself', hourly, '1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z', '1970-01-01T01:00:00.000Z'],
    ['across the Berlin spring-forward (no zone)', hourly, '2026-03-29T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-29T02:00:00.000Z'],
  ])('%s', (_name, schedule, at, start, end) => {
    expect(window(schedule, at)).toEqual([start, end]);
  });
});

describe('digestWindow: at a local time in a zone', () => {
  it.each<[string, DigestSchedule, string, string, string]>([
    ['a winter morning in Berlin (CET, +1)', berlin9, '2026-12-02T14:00:00.000Z', '2026-12-02T08:00:00.000Z', '2026-12-03T08:00:00.000Z'],
    ['before 09:00 local: the window ending today', berlin9, '2026-12-02T07:59:59.999Z', '2026-12-01T08:00:00.000Z', '2026-12-02T08:00:00.000Z'],
    ['exactly at 09:00 local: the next window', berlin9, '2026-12-02T08:00:00.000Z', '2026-12-02T08:00:00.000Z', '2026-12-03T08:00:00.000Z'],
    ['a summer morning in Berlin (CEST, +2)', berlin9, '2026-07-01T06:59:00.000Z', '2026-06-30T07:00:00.000Z', '2026-07-01T07:00:00.000Z'],
    // 2026-03-29: 02:00 CET becomes 03:00 CEST; the window over it is 23 hours.
    ['spring forward in Berlin: 23 hours', berlin9, '2026-03-29T03:00:00.000Z', '2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z'],
    ['the day after spring forward', berlin9, '2026-03-29T07:00:00.000Z', '2026-03-29T07:00:00.000Z', '2026-03-30T07:00:00.000Z'],
    // 2026-10-25: 03:00 CEST becomes 02:00 CET; the window over it is 25 hours.
    ['fall back in Berlin: 25 hours', berlin9, '2026-10-25T01:30:00.000Z', '2026-10-24T07:00:00.000Z', '2026-10-25T08:00:00.000Z'],
    ['the day after fall back', berlin9, '2026-10-25T08:00:00.000Z', '2026-10-25T08:00:00.000Z', '2026-10-26T08:00:00.000Z'],
    // 02:30 does not exist on 2026-03-29 in Berlin: that day's window ends at the change (01:00Z).
    ['an at the spring-forward skips: the change', berlin0230, '2026-03-29T00:30:00.000Z', '2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z'],
    ['after the skipped at', berlin0230, '2026-03-29T01:00:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z'],
    // 02:30 happens twice on 2026-10-25 in Berlin: the window ends at the first (00:30Z), once.
    ['an at the fall-back repeats: its first time', berlin0230, '2026-10-25T00:29:59.999Z', '2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z'],
    ['between the two 02:30s: no second end', berlin0230, '2026-10-25T01:15:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z'],
    ['New York, behind UTC', newYork9, '2026-12-02T13:59:59.000Z', '2026-12-01T14:00:00.000Z', '2026-12-02T14:00:00.000Z'],
  ])('%s', (_name, schedule, at, start, end) => {
    expect(window(schedule, at)).toEqual([start, end]);
  });

  it('consecutive windows meet: each ends where the next starts, through both changes of 2026', () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const lengths = new Set<number>();
    for (let i = 0; i < 365; i++) {
      const w = digestWindow(berlin9, t);
      expect(w.start).toBeLessThanOrEqual(t);
      expect(w.end).toBeGreaterThan(t);
      if (i > 0) expect(w.start).toBe(t);
      lengths.add((w.end - w.start) / 3_600_000);
      t = w.end;
    }
    expect([...lengths].sort((a, b) => a - b)).toEqual([23, 24, 25]);
  });
});
