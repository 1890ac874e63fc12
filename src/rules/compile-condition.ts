import type { Condition, Operator } from './condition.js';
import { OPERATORS } from './condition.js';
import type { Json } from '../events/event.js';
import { CASE_OPERATORS, OPERATOR_BUILDERS, scalarKey } from './operators.js';
import type { OperatorContext } from './operators.js';
import { parseDuration } from './duration.js';
import { countIn, track, type KeyMemory, type MemoryView, type TrackedKey } from './memory.js';
import { compileTimeWindow } from './time-window.js';
import { crmProperty } from './crm-fields.js';
import { pathSegments } from './get-path.js';

type Scalar = string | number | boolean;

const OPERATOR_SET: ReadonlySet<string> = new Set(OPERATORS);

/** A condition ready to evaluate: paths split, operands parsed, lists and regexes built once. */
export type CompiledCondition =
  | { readonly kind: 'all' | 'any'; readonly children: readonly CompiledCondition[] }
  | { readonly kind: 'not'; readonly child: CompiledCondition }
  | {
      readonly kind: 'leaf';
      /** e.g. `user.email in list vip_emails (ignore case)`. */
      readonly test: string;
      readonly path: readonly string[];
      readonly check: (value: Json | undefined, now: number) => boolean;
      readonly why?: ((value: Json) => string | undefined) | undefined;
      /** `equals` / `in`: the check holds only for a scalar whose scalarKey(value, fold) is one of `keys` (rule-index.ts). */
      readonly index?: { readonly keys: Iterable<Scalar>; readonly fold: boolean } | undefined;
      /** A `crm.contact.<property>` field: the property, whose value the planner looks up (never an index key). */
      readonly crm?: string | undefined;
    }
  | {
      /** `time`: the plan's now (the receive time) in a weekly window of a zone's local time. */
      readonly kind: 'time';
      readonly test: string;
      readonly check: (now: number) => { passed: boolean; actual: string };
    }
  | {
      /** first_seen, since_last, count: reads the key's memory, not a field. */
      readonly kind: 'memory';
      readonly test: string;
      readonly spec: string;
      readonly check: (m: KeyMemory, now: number) => { passed: boolean; actual?: Json };
    };

/** Evaluation input of a memory leaf (see memory.ts). */
export type { MemoryView };

/** Named lists as Sets, built once per list and case mode and shared by every rule that uses them. */
export class ListSets {
  readonly #lists: Readonly<Record<string, readonly Scalar[]>>;
  readonly #sets = new Map<string, ReadonlySet<Scalar>>();

  constructor(lists: Readonly<Record<string, readonly Scalar[]>>) {
    this.#lists = lists;
  }

  get(name: string, ignoreCase: boolean): ReadonlySet<Scalar> {
    const cacheKey = `${ignoreCase ? 'i' : 's'}:${name}`;
    let set = this.#sets.get(cacheKey);
    if (set === undefined) {
      if (!Object.hasOwn(this.#lists, name)) throw new Error(`unknown list "${name}"`);
      set = new Set((this.#lists[name] as readonly Scalar[]).map((v) => scalarKey(v, ignoreCase)));
      this.#sets.set(cacheKey, set);
    }
    return set;
  }
}

function compileLeaf(condition: Condition, lists: ListSets): CompiledCondition {
  const field = condition.field;
  // The operator set and how many are, over the condition's own few keys: no array per leaf (10,000
  // rules hold ~30,000 leaves). With more than one it throws, so which is first does not matter.
  let op: Operator | undefined;
  let ops = 0;
  for (const k in condition) {
    if (!OPERATOR_SET.has(k) || (condition as Record<string, unknown>)[k] === undefined) continue;
    op ??= k as Operator;
    ops += 1;
  }
  if (field === undefined || op === undefined || ops !== 1) {
    throw new Error(`a condition needs all, any, not, or a field with one operator (got ${JSON.stringify(condition)})`);
  }
  const ignoreCase = condition.ignore_case === true;
  const ctx: OperatorContext = { ignoreCase, listSet: (name) => lists.get(name, ignoreCase) };
  // The builder table is typed per operator; this one lookup has to widen it.
  const build = OPERATOR_BUILDERS[op] as (operand: unknown, ctx: OperatorContext) => ReturnType<(typeof OPERATOR_BUILDERS)[Operator]>;
  const leaf = build(condition[op], ctx);
  const phrase = op === 'exists' ? leaf.describe : `${op} ${leaf.describe}`;
  const suffix = ignoreCase && CASE_OPERATORS.has(op) ? ' (ignore case)' : '';
  // A CRM value is not the event's: the index must not file a rule under it (rule-index.ts).
  const crm = crmProperty(field);
  // Every leaf has the same properties, in the same order: one object shape for all ~30,000 leaves
  // of 10,000 rules, so the index and the planner read them without a polymorphic lookup.
  return {
    kind: 'leaf', test: `${field} ${phrase}${suffix}`, path: pathSegments(field), check: leaf.check, why: leaf.why,
    index: leaf.keys !== undefined && crm === undefined ? { keys: leaf.keys, fold: ignoreCase } : undefined, crm,
  };
}

function durationOf(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`not a duration: ${JSON.stringify(text)}`);
  return ms;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** first_seen, since_last and count; each registers what it needs remembered in `tracking`. */
function compileMemory(condition: Condition, tracking: Map<string, TrackedKey>): CompiledCondition | undefined {
  if (condition.first_seen !== undefined) {
    const { key, within } = condition.first_seen;
    const t = track(tracking, key);
    t.forever = true;
    const ms = within === undefined ? undefined : durationOf(within);
    return {
      kind: 'memory', spec: key, test: within === undefined ? `first_seen ${key} (its first event)` : `first_seen ${key} within ${within}`,
      check: (m, now) => {
        const first = m.after?.first_at;
        if (first === undefined) return { passed: false };
        return { passed: ms === undefined ? m.before === undefined : now - first < ms, actual: iso(first) };
      },
    };
  }
  if (condition.since_last !== undefined) {
    const { key, gte, lt } = condition.since_last;
    const bound = durationOf((gte ?? lt) as string);
    const t = track(tracking, key);
    t.sinceMs = Math.max(t.sinceMs, bound);
    return {
      kind: 'memory', spec: key, test: `since_last ${key} ${gte !== undefined ? `gte ${gte}` : `lt ${lt}`}`,
      check: (m, now) => {
        const last = m.before?.last_at;
        // Never seen is infinitely long ago.
        if (last === undefined) return { passed: gte !== undefined, actual: 'never seen' };
        return { passed: gte !== undefined ? now - last >= bound : now - last < bound, actual: iso(last) };
      },
    };
  }
  if (condition.count !== undefined) {
    const c = condition.count;
    const windowMs = durationOf(c.within);
    const t = track(tracking, c.key);
    const type = c.on ?? '*';
    t.windows.set(type, Math.max(t.windows.get(type) ?? 0, windowMs));
    const [op, operand] = (['equals', 'gt', 'gte', 'lt', 'lte'] as const).flatMap((k) => (c[k] === undefined ? [] : [[k, c[k]] as const]))[0] ?? ['gte', 0];
    const compare = { equals: (n: number) => n === operand, gt: (n: number) => n > operand, gte: (n: number) => n >= operand, lt: (n: number) => n < operand, lte: (n: number) => n <= operand }[op];
    return {
      kind: 'memory', spec: c.key, test: `count ${c.key}${c.on === undefined ? '' : ` on ${c.on}`} within ${c.within} ${op} ${operand}`,
      check: (m, now) => {
        const n = countIn(m.after, c.on, now, windowMs);
        return { passed: compare(n), actual: n };
      },
    };
  }
  return undefined;
}

/**
 * Precompiles a validated condition. Throws on shapes the loader refuses (bad regex, unknown list).
 * Memory conditions register the keys they read in `tracking`.
 */
export function compileCondition(condition: Condition, lists: ListSets, tracking: Map<string, TrackedKey> = new Map()): CompiledCondition {
  if (condition.all !== undefined) return { kind: 'all', children: condition.all.map((c) => compileCondition(c, lists, tracking)) };
  if (condition.any !== undefined) return { kind: 'any', children: condition.any.map((c) => compileCondition(c, lists, tracking)) };
  if (condition.not !== undefined) return { kind: 'not', child: compileCondition(condition.not, lists, tracking) };
  if (condition.time !== undefined) {
    const window = compileTimeWindow(condition.time);
    return {
      kind: 'time',
      test: `time ${window.describe}`,
      check: (now) => {
        const { inside, local } = window.at(now);
        return { passed: inside, actual: local };
      },
    };
  }
  return compileMemory(condition, tracking) ?? compileLeaf(condition, lists);
}
