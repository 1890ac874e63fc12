/** Durations in rules.yaml: a whole number and a unit, e.g. `90s`, `10m`, `12h`, `7d`, `2w`. */
export const DURATION = /^([1-9]\d*)(ms|s|m|h|d|w)$/;

/** What a value that is not a duration is told. */
export const DURATION_MESSAGE = 'expected a duration: a whole number and a unit ms, s, m, h, d or w (e.g. 30s, 10m, 12h, 7d)';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Milliseconds of a duration, or undefined when `text` is not one. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  return m === null ? undefined : Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}
