import { describe, expect, it } from 'vitest';
import { isTimeZone, zonedClock } from '../../src/rules/zoned-clock.js';

const HOUR = 3_600_000;
const iso = (t: number): string => new Date(t).toISOString();

describe('isTimeZone', () => {
  it.each<[string, boolean]>([
    ['Europe/Berlin', true], ['America/New_York', true], ['UTC', true], ['Asia/Kathmandu', true],
    ['US/Eastern', true], ['europe/berlin', true],
    ['Europe/Berln', false], ['', false], ['+01:00', false], ['CEST', false],
  ])('%s → %s', (tz, known) => {
    expect(isTimeZone(tz)).toBe(known);
  });
});

describe('zonedClock', () => {
  it.each<[string, string, number]>([
    ['Europe/Berlin', '2026-03-29T00:59:59Z', 1],
    ['Europe/Berlin', '2026-03-29T01:00:00Z', 2],
    ['Europe/Berlin', '2026-10-25T00:59:59Z', 2],
    ['Europe/Berlin', '2026-10-25T01:00:00Z', 1],
    ['America/New_York', '2026-03-08T06:59:59Z', -5],
    ['America/New_York', '2026-03-08T07:00:00Z', -4],
    ['America/New_York', '2026-11-01T06:00:00Z', -5],
    ['Asia/Kathmandu', '2026-01-01T00:00:00Z', 5.75],
    ['UTC', '2026-06-01T00:00:00Z', 0],
  ])('%s at %s is UTC%+d h', (tz, at, hours) => {
    expect(zonedClock(tz).offsetAt(Date.parse(at))).toBe(hours * HOUR);
  });

  // The wall-clock time (written as if UTC) → the first instant the zone's clock reads it.
  it.each<[string, string, string]>([
    ['Europe/Berlin', '2026-03-29T01:59:00Z', '2026-03-29T00:59:00.000Z'],
    ['Europe/Berlin', '2026-03-29T02:00:00Z', '2026-03-29T01:00:00.000Z'], // skipped: the change
    ['Europe/Berlin', '2026-03-29T02:30:00Z', '2026-03-29T01:00:00.000Z'], // skipped: the change
    ['Europe/Berlin', '2026-03-29T03:00:00Z', '2026-03-29T01:00:00.000Z'],
    ['Europe/Berlin', '2026-10-25T02:30:00Z', '2026-10-25T00:30:00.000Z'], // repeated: the first time
    ['Europe/Berlin', '2026-10-25T03:00:00Z', '2026-10-25T02:00:00.000Z'],
    ['America/New_York', '2026-03-08T02:30:00Z', '2026-03-08T07:00:00.000Z'],
    ['America/New_York', '2026-11-01T01:30:00Z', '2026-11-01T05:30:00.000Z'],
  ])('%s reads %s first at %s', (tz, local, instant) => {
    expect(iso(zonedClock(tz).firstInstantAt(Date.parse(local)))).toBe(instant);
  });
});
