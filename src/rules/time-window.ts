import { WEEKDAYS, type TimeWindow } from './condition.js';
import { zonedClock } from './zoned-clock.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Back-to-back windows (whole days sat and sun) are followed to their end, at most a week on. */
const MAX_CHAINED = 7;

/** A time of day in rules.yaml: "HH:MM", 00:00 to 23:59. */
export const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight of "HH:MM", or undefined when `text` is not one. */
export function minutesOf(text: string): number | undefined {
  const m = TIME_OF_DAY.exec(text);
  return m === null ? undefined : Number(m[1]) * 60 + Number(m[2]);
}

/** Where an instant stands against a window. */
export interface WindowAt {
  readonly inside: boolean;
  /** The wall clock in the window's zone: `sun 2026-03-29 23:10`. */
  readonly local: string;
  /** When inside: the instant the window ends (following any window that starts as it ends). */
  readonly end?: number;
}

export interface CompiledWindow {
  /** `Europe/Berlin 22:00–08:00 on mon, tue`, `Europe/Berlin on sat, sun`. */
  readonly describe: string;
  at(t: number): WindowAt;
}

const pad = (n: number): string => String(n).padStart(2, '0');
// getUTCDay() numbering: 0 is Sunday.
const dayName = (local: number): string => WEEKDAYS[(new Date(local).getUTCDay() + 6) % 7] as string;

/** `sun 2026-03-29 23:10` for a wall-clock time from ZonedClock.localAt. */
export function showLocal(local: number): string {
  const d = new Date(local);
  return `${dayName(local)} ${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/**
 * Compiles a validated window. Each window is an interval of instants: from the first instant the
 * zone's clock reads `from` on a listed day to the first it reads `to` (that day, or the next when
 * `to` is at or before `from`). So a window edge that a spring-forward skips is the change itself,
 * and one that a fall-back repeats is its first occurrence: a window never ends twice.
 */
export function compileTimeWindow(w: TimeWindow): CompiledWindow {
  const clock = zonedClock(w.tz);
  const from = w.from === undefined ? 0 : (minutesOf(w.from) ?? 0);
  const to = w.to === undefined ? 24 * 60 : (minutesOf(w.to) ?? 0);
  const nextDay = to <= from;
  const days = new Set((w.weekdays ?? WEEKDAYS).map((d) => WEEKDAYS.indexOf(d)));
  const times = w.from === undefined ? '' : ` ${w.from}–${w.to ?? ''}`;
  const on = w.weekdays === undefined ? '' : ` on ${w.weekdays.join(', ')}`;

  /** The end of the window holding `t`, or undefined. Only windows starting that local day or the day before can. */
  function endOf(t: number): number | undefined {
    const today = Math.floor(clock.localAt(t) / DAY) * DAY;
    for (const day of [today - DAY, today]) {
      if (!days.has((new Date(day).getUTCDay() + 6) % 7)) continue;
      const start = clock.firstInstantAt(day + from * MINUTE);
      const end = clock.firstInstantAt(day + (nextDay ? DAY : 0) + to * MINUTE);
      if (start <= t && t < end) return end;
    }
    return undefined;
  }

  return {
    describe: `${w.tz}${times}${on}`,
    at(t) {
      const local = showLocal(clock.localAt(t));
      let end = endOf(t);
      if (end === undefined) return { inside: false, local };
      for (let i = 0; i < MAX_CHAINED; i++) {
        const next = endOf(end);
        if (next === undefined) break;
        end = next;
      }
      return { inside: true, local, end };
    },
  };
}
