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

/** A condition: `all` / `any` / `not` over nested conditions, or a leaf `{ field, <operator>, ignore_case? }`. */
export interface Condition {
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
