/**
 * The condition language the rule engine evaluates. It lives here, with the engine, so the engine
 * depends on nothing above it; config/condition-schema.ts validates rules.yaml against it.
 */

/** Operators a leaf condition may use; exactly one per leaf. */
export const OPERATORS = [
  'equals', 'not_equals', 'in', 'not_in', 'contains', 'starts_with', 'ends_with', 'matches',
  'exists', 'gt', 'gte', 'lt', 'lte', 'before', 'after',
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

/** A condition: `all` / `any` / `not` over nested conditions, a memory test, or a leaf `{ field, <operator>, ignore_case? }`. */
export interface Condition {
  first_seen?: FirstSeen;
  since_last?: SinceLast;
  count?: Count;
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
}
