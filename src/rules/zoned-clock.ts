/**
 * Wall-clock time in an IANA time zone through the runtime's Intl (Node ships ICU with its copy of
 * the tz database: `process.versions.tz`), so no date library is needed. One cached formatter per
 * zone gives the UTC offset in force at an instant; everything else is arithmetic on it.
 * https://tc39.es/ecma402/#sec-datetimeformat-abstracts (timeZoneName: "longOffset")
 */

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Offsets cached per zone, by minute (transitions fall on whole minutes); cleared when this many. */
const CACHE_LIMIT = 4096;

/** `GMT`, `GMT+01:00`, `GMT-04:00`, or with seconds for old local mean times (`GMT+00:53:28`). */
const LONG_OFFSET = /GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

export interface ZonedClock {
  readonly tz: string;
  /** The zone's UTC offset (ms) at instant `t`. */
  offsetAt(t: number): number;
  /** The wall clock at `t`, as milliseconds that read as UTC (use the getUTC* methods on it). */
  localAt(t: number): number;
  /**
   * The first instant at which the wall clock reads `local` (as from localAt) or later: a time that a
   * spring-forward skips maps to the change itself, a time that a fall-back repeats to its first
   * occurrence.
   */
  firstInstantAt(local: number): number;
}

/** Whether Intl knows `tz` (`Europe/Berlin`, `UTC`; links such as `US/Eastern` too). */
export function isTimeZone(tz: string): boolean {
  if (tz === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function createClock(tz: string): ZonedClock {
  // Throws a RangeError for an unknown zone; the loader refuses those first (isTimeZone).
  const format = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' });
  const cache = new Map<number, number>();

  function offsetAt(t: number): number {
    const minute = Math.floor(t / MINUTE);
    const cached = cache.get(minute);
    if (cached !== undefined) return cached;
    const m = LONG_OFFSET.exec(format.format(minute * MINUTE));
    if (m === null) throw new Error(`cannot read the UTC offset of ${tz}`);
    const sign = m[1] === '-' ? -1 : 1;
    const offset = m[1] === undefined ? 0 : sign * ((Number(m[2]) * 60 + Number(m[3])) * MINUTE + Number(m[4] ?? 0) * 1000);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(minute, offset);
    return offset;
  }

  const localAt = (t: number): number => t + offsetAt(t);

  function firstInstantAt(local: number): number {
    // The offsets a day either side: any change near `local` lies between them.
    const offsets = new Set([offsetAt(local - DAY), offsetAt(local + DAY)]);
    let first = Number.POSITIVE_INFINITY;
    for (const o of offsets) if (offsetAt(local - o) === o) first = Math.min(first, local - o);
    if (first !== Number.POSITIVE_INFINITY) return first;
    // Skipped: the clock jumps over `local`. Find, to the minute, the first instant past the jump.
    let lo = Math.floor((local - Math.max(...offsets)) / MINUTE);
    let hi = Math.ceil((local - Math.min(...offsets)) / MINUTE);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (localAt(mid * MINUTE) >= local) hi = mid;
      else lo = mid;
    }
    return hi * MINUTE;
  }

  return { tz, offsetAt, localAt, firstInstantAt };
}

const clocks = new Map<string, ZonedClock>();

/** The clock of `tz`, built once per zone (a formatter costs far more to build than to use). */
export function zonedClock(tz: string): ZonedClock {
  let clock = clocks.get(tz);
  if (clock === undefined) {
    clock = createClock(tz);
    clocks.set(tz, clock);
  }
  return clock;
}
