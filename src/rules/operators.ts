import type { Condition, Operator } from './condition.js';
import { re2js } from '../re2.js';
import type { Json } from '../events/event.js';
import { parseDuration } from './duration.js';

type Scalar = string | number | boolean;

/**
 * A leaf test precompiled from one operator: its description and a predicate over the field value
 * (relative dates also read the plan's now, ms).
 */
export interface LeafTest {
  /** The operand as shown in explanations (`"example.com"`, `list vips`); for `exists`, the whole phrase. */
  readonly describe: string;
  readonly check: (value: Json | undefined, now: number) => boolean;
  /** Why a present value failed, when its value alone does not say (`not a date`). */
  readonly why?: (value: Json) => string | undefined;
  /**
   * `equals` and `in`: the check passes exactly when the value is a scalar whose `scalarKey` (with
   * the leaf's ignore_case) is one of these, which is what lets the rule index look rules up by it.
   * Read by the index only, once: an `equals` holds its one key in an array, not a Set per leaf.
   */
  readonly keys?: Iterable<Scalar>;
}

export interface OperatorContext {
  readonly ignoreCase: boolean;
  /** Resolves `in: <list name>` to the list's values, as Sets keyed the same way as `key()`. */
  readonly listSet: (name: string) => ReadonlySet<Scalar>;
}

const NUMERIC = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?\s*$/i;

const isScalar = (v: Json | undefined): v is Scalar => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** The comparison key of a scalar: strings folded when ignoring case; numbers and booleans as they are. */
export function scalarKey(value: Scalar, ignoreCase: boolean): Scalar {
  return ignoreCase && typeof value === 'string' ? value.toLowerCase() : value;
}

/** Numbers, or strings that are plainly numbers ("12.5"); anything else (booleans, "0x10", "") is not. */
function toNumber(value: Json | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value);
  return undefined;
}

function toTime(value: Json | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

const show = (operand: Json): string => JSON.stringify(operand);

function equalsTest(operand: Scalar, ctx: OperatorContext): (value: Json | undefined) => boolean {
  const want = scalarKey(operand, ctx.ignoreCase);
  return (value) => isScalar(value) && scalarKey(value, ctx.ignoreCase) === want;
}

/** `equals` as an index key; NaN (`.nan` in YAML) equals nothing, so it gets no key. */
const equalsKeys = (operand: Scalar, ctx: OperatorContext): { keys?: Iterable<Scalar> } =>
  (Number.isNaN(operand) ? {} : { keys: [scalarKey(operand, ctx.ignoreCase)] });

function inTest(operand: string | Scalar[], ctx: OperatorContext): LeafTest {
  const set = typeof operand === 'string' ? ctx.listSet(operand) : new Set(operand.map((v) => scalarKey(v, ctx.ignoreCase)));
  return {
    describe: typeof operand === 'string' ? `list ${operand}` : show(operand),
    check: (value) => isScalar(value) && set.has(scalarKey(value, ctx.ignoreCase)),
    keys: set,
  };
}

function stringTest(fold: boolean, test: (value: string) => boolean): (value: Json | undefined) => boolean {
  return (value) => typeof value === 'string' && test(fold ? value.toLowerCase() : value);
}

function numberTest(compare: (n: number) => boolean): (value: Json | undefined) => boolean {
  return (value) => {
    const n = toNumber(value);
    return n !== undefined && compare(n);
  };
}

function dateTest(operand: string, compare: (time: number, bound: number) => boolean): LeafTest {
  const bound = Date.parse(operand);
  if (Number.isNaN(bound)) throw new Error(`not a date: ${show(operand)}`);
  return {
    describe: show(operand),
    check: (value) => {
      const time = toTime(value);
      return time !== undefined && compare(time, bound);
    },
  };
}

/**
 * `within` / `older_than`: the field is a date less than / at least `operand` before now. A date
 * after now (a sender's clock ahead) is within any duration. Complements on every date.
 */
function ageTest(operand: string, compare: (ageMs: number, bound: number) => boolean): LeafTest {
  const bound = parseDuration(operand);
  if (bound === undefined) throw new Error(`not a duration: ${show(operand)}`);
  return {
    describe: operand,
    check: (value, now) => {
      const time = toTime(value);
      return time !== undefined && compare(now - time, bound);
    },
    why: (value) => (toTime(value) === undefined ? 'not a date' : undefined),
  };
}

const negate = (test: LeafTest): LeafTest => ({ describe: test.describe, check: (value, now) => !test.check(value, now) });

type Builders = { readonly [K in Operator]: (operand: NonNullable<Condition[K]>, ctx: OperatorContext) => LeafTest };

/** Every operator of condition.ts. None throws on a value of the wrong type: it just fails. */
export const OPERATOR_BUILDERS: Builders = {
  equals: (operand, ctx) => ({ describe: show(operand), check: equalsTest(operand, ctx), ...equalsKeys(operand, ctx) }),
  // A missing field is not equal to anything, so it IS not_equal.
  not_equals: (operand, ctx) => negate({ describe: show(operand), check: equalsTest(operand, ctx) }),
  in: (operand, ctx) => inTest(operand, ctx),
  not_in: (operand, ctx) => negate(inTest(operand, ctx)),
  contains: (operand, ctx) => {
    const want = scalarKey(operand, ctx.ignoreCase);
    const needle = String(want);
    return {
      describe: show(operand),
      check: (value) => {
        if (typeof value === 'string') return (ctx.ignoreCase ? value.toLowerCase() : value).includes(needle);
        return Array.isArray(value) && value.some((item) => isScalar(item) && scalarKey(item, ctx.ignoreCase) === want);
      },
    };
  },
  starts_with: (operand, ctx) => {
    const prefix = ctx.ignoreCase ? operand.toLowerCase() : operand;
    return { describe: show(operand), check: stringTest(ctx.ignoreCase, (s) => s.startsWith(prefix)) };
  },
  ends_with: (operand, ctx) => {
    const suffix = ctx.ignoreCase ? operand.toLowerCase() : operand;
    return { describe: show(operand), check: stringTest(ctx.ignoreCase, (s) => s.endsWith(suffix)) };
  },
  // RE2 (re2js): time linear in the value's length whatever the pattern, so no user-typed value can
  // stall the bridge (JavaScript's RegExp backtracks: `^(.*?,){11}P` on 79 characters never returns).
  matches: (operand, ctx) => {
    const { RE2JS } = re2js();
    const re = RE2JS.compile(operand, ctx.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
    return { describe: show(operand), check: stringTest(false, (s) => re.test(s)) };
  },
  exists: (operand) => ({ describe: operand ? 'exists' : 'does not exist', check: (value) => (value !== undefined && value !== null) === operand }),
  gt: (operand) => ({ describe: show(operand), check: numberTest((n) => n > operand) }),
  gte: (operand) => ({ describe: show(operand), check: numberTest((n) => n >= operand) }),
  lt: (operand) => ({ describe: show(operand), check: numberTest((n) => n < operand) }),
  lte: (operand) => ({ describe: show(operand), check: numberTest((n) => n <= operand) }),
  before: (operand) => dateTest(operand, (time, bound) => time < bound),
  after: (operand) => dateTest(operand, (time, bound) => time > bound),
  within: (operand) => ageTest(operand, (age, bound) => age < bound),
  older_than: (operand) => ageTest(operand, (age, bound) => age >= bound),
};

/** Operators for which `ignore_case` changes anything (and is shown in explanations). */
export const CASE_OPERATORS: ReadonlySet<Operator> = new Set(['equals', 'not_equals', 'in', 'not_in', 'contains', 'starts_with', 'ends_with', 'matches']);
