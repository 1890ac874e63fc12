import { describe, expect, it } from 'vitest';
import type { TimeWindow } from '../../src/rules/condition.js';
import { compileTimeWindow, minutesOf } from '../../src/rules/time-window.js';

const at = (iso: string): number => Date.parse(iso);
const iso = (t: number | undefined): string | undefined => (t === undefined ? undefined : new Date(t).toISOString());

const BERLIN_NIGHTS: TimeWindow = { tz: 'Europe/Berlin', from: '22:00', to: '08:00' };
const BERLIN_TO_0230: TimeWindow = { tz: 'Europe/Berlin', from: '22:00', to: '02:30' };
const BERLIN_FROM_0230: TimeWindow = { tz: 'Europe/Berlin', from: '02:30', to: '06:00' };
const NY_NIGHTS: TimeWindow = { tz: 'America/New_York', from: '22:00', to: '08:00' };
const NY_TO_0130: TimeWindow = { tz: 'America/New_York', from: '23:00', to: '01:30' };
const NY_WEEKEND: TimeWindow = { tz: 'America/New_York', weekdays: ['sat', 'sun'] };
const NY_OFFICE: TimeWindow = { tz: 'America/New_York', from: '09:00', to: '17:00', weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'] };
const FRIDAY_NIGHT: TimeWindow = { tz: 'UTC', from: '22:00', to: '06:00', weekdays: ['fri'] };

/**
 * [window, instant (UTC), inside, the wall clock shown, the window's end (UTC)]. Europe/Berlin: CET
 * (+1) → CEST (+2) at 2026-03-29 01:00Z (02:00 local skips to 03:00), back at 2026-10-25 01:00Z
 * (03:00 local repeats 02:00–03:00). America/New_York: EST (−5) → EDT (−4) at 2026-03-08 07:00Z,
 * back at 2026-11-01 06:00Z.
 */
const cases: [string, TimeWindow, string, boolean, string, string?][] = [
  // The night of 2026-03-29 is an hour short: 22:00 CET to 08:00 CEST is 9 hours.
  ['berlin spring: just before the start', BERLIN_NIGHTS, '2026-03-28T20:59:59Z', false, 'sat 2026-03-28 21:59'],
  ['berlin spring: the start', BERLIN_NIGHTS, '2026-03-28T21:00:00Z', true, 'sat 2026-03-28 22:00', '2026-03-29T06:00:00.000Z'],
  ['berlin spring: the last CET minute', BERLIN_NIGHTS, '2026-03-29T00:59:00Z', true, 'sun 2026-03-29 01:59', '2026-03-29T06:00:00.000Z'],
  ['berlin spring: the first CEST minute', BERLIN_NIGHTS, '2026-03-29T01:00:00Z', true, 'sun 2026-03-29 03:00', '2026-03-29T06:00:00.000Z'],
  ['berlin spring: just before 08:00 CEST', BERLIN_NIGHTS, '2026-03-29T05:59:59Z', true, 'sun 2026-03-29 07:59', '2026-03-29T06:00:00.000Z'],
  ['berlin spring: 08:00 CEST, the end, is outside', BERLIN_NIGHTS, '2026-03-29T06:00:00Z', false, 'sun 2026-03-29 08:00'],
  ['berlin spring: 07:00Z was 08:00 CET the day before, now 09:00', BERLIN_NIGHTS, '2026-03-29T07:00:00Z', false, 'sun 2026-03-29 09:00'],
  // The night of 2026-10-25 is an hour long: 22:00 CEST to 08:00 CET is 11 hours.
  ['berlin fall: the start', BERLIN_NIGHTS, '2026-10-24T20:00:00Z', true, 'sat 2026-10-24 22:00', '2026-10-25T07:00:00.000Z'],
  ['berlin fall: 02:30 the first time', BERLIN_NIGHTS, '2026-10-25T00:30:00Z', true, 'sun 2026-10-25 02:30', '2026-10-25T07:00:00.000Z'],
  ['berlin fall: 02:30 the second time', BERLIN_NIGHTS, '2026-10-25T01:30:00Z', true, 'sun 2026-10-25 02:30', '2026-10-25T07:00:00.000Z'],
  ['berlin fall: 06:00Z is 07:00 CET, still inside', BERLIN_NIGHTS, '2026-10-25T06:00:00Z', true, 'sun 2026-10-25 07:00', '2026-10-25T07:00:00.000Z'],
  ['berlin fall: 08:00 CET, the end', BERLIN_NIGHTS, '2026-10-25T07:00:00Z', false, 'sun 2026-10-25 08:00'],
  // An end the spring-forward skips is the change itself; one the fall-back repeats is its first time.
  ['berlin spring: an end at 02:30 (skipped) ends at the change', BERLIN_TO_0230, '2026-03-29T00:30:00Z', true, 'sun 2026-03-29 01:30', '2026-03-29T01:00:00.000Z'],
  ['berlin spring: 03:00 CEST is past 02:30', BERLIN_TO_0230, '2026-03-29T01:00:00Z', false, 'sun 2026-03-29 03:00'],
  ['berlin fall: an end at 02:30 (repeated) ends the first time', BERLIN_TO_0230, '2026-10-25T00:29:00Z', true, 'sun 2026-10-25 02:29', '2026-10-25T00:30:00.000Z'],
  ['berlin fall: the repeated 02:15 is not the window again', BERLIN_TO_0230, '2026-10-25T01:15:00Z', false, 'sun 2026-10-25 02:15'],
  ['berlin spring: a start at 02:30 (skipped) starts at the change', BERLIN_FROM_0230, '2026-03-29T01:00:00Z', true, 'sun 2026-03-29 03:00', '2026-03-29T04:00:00.000Z'],
  ['berlin spring: the last CET minute is before that start', BERLIN_FROM_0230, '2026-03-29T00:59:00Z', false, 'sun 2026-03-29 01:59'],
  ['berlin fall: a start at 02:30 (repeated) starts the first time', BERLIN_FROM_0230, '2026-10-25T00:30:00Z', true, 'sun 2026-10-25 02:30', '2026-10-25T05:00:00.000Z'],
  // New York: the same nights, and an end in the repeated hour.
  ['new york spring: the start (EST)', NY_NIGHTS, '2026-03-08T03:00:00Z', true, 'sat 2026-03-07 22:00', '2026-03-08T12:00:00.000Z'],
  ['new york spring: 08:00 EDT, the end', NY_NIGHTS, '2026-03-08T12:00:00Z', false, 'sun 2026-03-08 08:00'],
  ['new york fall: 07:00 EST, still inside', NY_NIGHTS, '2026-11-01T12:00:00Z', true, 'sun 2026-11-01 07:00', '2026-11-01T13:00:00.000Z'],
  ['new york fall: an end at 01:30 (repeated) ends the first time', NY_TO_0130, '2026-11-01T05:00:00Z', true, 'sun 2026-11-01 01:00', '2026-11-01T05:30:00.000Z'],
  ['new york fall: the repeated 01:00 is not the window again', NY_TO_0130, '2026-11-01T06:00:00Z', false, 'sun 2026-11-01 01:00'],
  // Whole days, and back-to-back windows followed to their end (across New York's spring-forward).
  ['new york weekend: saturday 00:00 EST', NY_WEEKEND, '2026-03-07T05:00:00Z', true, 'sat 2026-03-07 00:00', '2026-03-09T04:00:00.000Z'],
  ['new york weekend: sunday, after the change', NY_WEEKEND, '2026-03-08T12:00:00Z', true, 'sun 2026-03-08 08:00', '2026-03-09T04:00:00.000Z'],
  ['new york weekend: monday 00:00 EDT', NY_WEEKEND, '2026-03-09T04:00:00Z', false, 'mon 2026-03-09 00:00'],
  ['new york weekend: friday 23:59 EST', NY_WEEKEND, '2026-03-07T04:59:00Z', false, 'fri 2026-03-06 23:59'],
  ['new york office: monday 09:00 EDT', NY_OFFICE, '2026-03-09T13:00:00Z', true, 'mon 2026-03-09 09:00', '2026-03-09T21:00:00.000Z'],
  ['new york office: monday 08:59 EDT', NY_OFFICE, '2026-03-09T12:59:00Z', false, 'mon 2026-03-09 08:59'],
  ['new york office: saturday 10:00', NY_OFFICE, '2026-03-07T15:00:00Z', false, 'sat 2026-03-07 10:00'],
  // A window crossing midnight belongs to the day it starts.
  ['friday night: saturday 05:00 is friday\'s window', FRIDAY_NIGHT, '2026-03-07T05:00:00Z', true, 'sat 2026-03-07 05:00', '2026-03-07T06:00:00.000Z'],
  ['friday night: friday 05:00 is thursday\'s, not listed', FRIDAY_NIGHT, '2026-03-06T05:00:00Z', false, 'fri 2026-03-06 05:00'],
  ['friday night: saturday 23:00 is not listed', FRIDAY_NIGHT, '2026-03-07T23:00:00Z', false, 'sat 2026-03-07 23:00'],
];

describe('compileTimeWindow', () => {
  it.each(cases)('%s', (_name, window, instant, inside, local, end) => {
    const got = compileTimeWindow(window).at(at(instant));
    expect({ inside: got.inside, local: got.local, end: iso(got.end) }).toEqual({ inside, local, end });
  });

  it.each<[TimeWindow, string]>([
    [BERLIN_NIGHTS, 'Europe/Berlin 22:00–08:00'],
    [NY_WEEKEND, 'America/New_York on sat, sun'],
    [NY_OFFICE, 'America/New_York 09:00–17:00 on mon, tue, wed, thu, fri'],
  ])('describes %j as %s', (window, text) => {
    expect(compileTimeWindow(window).describe).toBe(text);
  });
});

describe('minutesOf', () => {
  it.each<[string, number | undefined]>([
    ['00:00', 0], ['08:30', 510], ['23:59', 1439], ['24:00', undefined], ['9:00', undefined], ['12:60', undefined], ['noon', undefined],
  ])('%s → %s', (text, minutes) => {
    expect(minutesOf(text)).toBe(minutes);
  });
});
