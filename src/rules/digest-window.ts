import { zonedClock } from './zoned-clock.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** How a digest's windows are cut: every `everyMs` from the Unix epoch, or daily at a local time of day. */
export type DigestSchedule =
  | { readonly everyMs: number }
  | { readonly atMinutes: number; readonly tz: string };

/** One window, [start, end): an instant exactly at `end` belongs to the next window. */
export interface DigestWindow {
  readonly start: number;
  readonly end: number;
}

/**
 * The window holding instant `t` (ms). Pure: the time is passed in. `every` windows are aligned to
 * the Unix epoch (1h windows end on the hour, UTC). `at` windows end at the first instant the zone's
 * clock reads that time each local day (ZonedClock.firstInstantAt): a time the spring-forward skips
 * is the change itself, one the fall-back repeats is its first occurrence, so a window is 23 or 25
 * hours long across a change and never ends twice.
 */
export function digestWindow(schedule: DigestSchedule, t: number): DigestWindow {
  if ('everyMs' in schedule) {
    const start = Math.floor(t / schedule.everyMs) * schedule.everyMs;
    return { start, end: start + schedule.everyMs };
  }
  const clock = zonedClock(schedule.tz);
  const today = Math.floor(clock.localAt(t) / DAY) * DAY;
  // The window's edges are the zone's `at` on the local days around t's: t lies between two of them.
  const edges = [-1, 0, 1, 2].map((d) => clock.firstInstantAt(today + d * DAY + schedule.atMinutes * MINUTE));
  const start = Math.max(...edges.filter((e) => e <= t));
  const end = Math.min(...edges.filter((e) => e > t));
  return { start, end };
}
