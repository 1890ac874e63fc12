/**
 * The condition language the rule engine evaluates. It lives here, with the engine, so the engine
 * depends on nothing above it; config/condition-schema.ts validates rules.yaml against it.
 */

/** Operators a leaf condition may use; exactly one per leaf. */
export const OPERATORS = [
  'equals', 'not_equals', 'in', 'not_in', 'contains', 'starts_with', 'ends_with', 'matches',
  'exists', 'gt', 'gte', 'lt', 'lte', 'before', 'after', 'within', 'older_than',
] as const;
export type Operator = (typeof OPERATORS)[number];

/** Comparisons a `count` condition may use; exactly one. */
export const COUNT_OPERATORS = ['equals', 'gt', 'gte', 'lt', 'lte'] as const;

/** The key's first event (README "Memory"); durations as in duration.ts. */
export interface FirstSeen {
  key: string;
  within?: string;
}
/** Time since the key's previous event. */
export interface SinceLast {
  key: string;
  gte?: string;
  lt?: string;
}
/** The key's events in a sliding window, this one included. */
export interface Count {
  key: string;
  on?: string;
  within: string;
  equals?: number;
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

/** Weekday names in rules.yaml, Monday first. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * A weekly window of local time in an IANA time zone (time-window.ts): `from`–`to` ("HH:MM"; a `to`
 * at or before `from` ends the next day) on each of `weekdays` (the day the window starts; every
 * day when omitted). Without `from` and `to`, the windows are the whole days named.
 */
export interface TimeWindow {
  tz: string;
  from?: string;
  to?: string;
  weekdays?: Weekday[];
}

/** A condition: `all` / `any` / `not` over nested conditions, a memory test, or a leaf `{ field, <operator>, ignore_case? }`. */
export interface Condition {
  first_seen?: FirstSeen;
  since_last?: SinceLast;
  count?: Count;
  /** The receive time is inside the window. */
  time?: TimeWindow;
  all?: Condition[];
  any?: Condition[];
  not?: Condition;
  field?: string;
  ignore_case?: boolean;
  equals?: string | number | boolean;
  not_equals?: string | number | boolean;
  in?: string | (string | number | boolean)[];
  not_in?: string | (string | number | boolean)[];
  contains?: string | number | boolean;
  starts_with?: string;
  ends_with?: string;
  matches?: string;
  exists?: boolean;
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  before?: string;
  after?: string;
  /** The field is a date less than this duration before the plan's now (or after it). */
  within?: string;
  /** The field is a date at least this duration before the plan's now. */
  older_than?: string;
}
