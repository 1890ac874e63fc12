import type { Condition, Operator } from './condition.js';
import { OPERATORS } from './condition.js';
import type { Json } from '../events/event.js';
import { CASE_OPERATORS, OPERATOR_BUILDERS, scalarKey } from './operators.js';
import type { OperatorContext } from './operators.js';

type Scalar = string | number | boolean;

/** A condition ready to evaluate: paths split, operands parsed, lists and regexes built once. */
export type CompiledCondition =
  | { readonly kind: 'all' | 'any'; readonly children: readonly CompiledCondition[] }
  | { readonly kind: 'not'; readonly child: CompiledCondition }
  | {
      readonly kind: 'leaf';
      /** e.g. `user.email in list vip_emails (ignore case)`. */
      readonly test: string;
      readonly path: readonly string[];
      readonly check: (value: Json | undefined) => boolean;
    };

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
  const ops = OPERATORS.filter((op) => condition[op] !== undefined);
  const op: Operator | undefined = ops[0];
  if (field === undefined || op === undefined || ops.length !== 1) {
    throw new Error(`a condition needs all, any, not, or a field with one operator (got ${JSON.stringify(condition)})`);
  }
  const ignoreCase = condition.ignore_case === true;
  const ctx: OperatorContext = { ignoreCase, listSet: (name) => lists.get(name, ignoreCase) };
  // The builder table is typed per operator; this one lookup has to widen it.
  const build = OPERATOR_BUILDERS[op] as (operand: unknown, ctx: OperatorContext) => ReturnType<(typeof OPERATOR_BUILDERS)[Operator]>;
  const leaf = build(condition[op], ctx);
  const phrase = op === 'exists' ? leaf.describe : `${op} ${leaf.describe}`;
  const suffix = ignoreCase && CASE_OPERATORS.has(op) ? ' (ignore case)' : '';
  return { kind: 'leaf', test: `${field} ${phrase}${suffix}`, path: field.split('.'), check: leaf.check };
}

/** Precompiles a validated condition. Throws on shapes the loader refuses (bad regex, unknown list). */
export function compileCondition(condition: Condition, lists: ListSets): CompiledCondition {
  if (condition.all !== undefined) return { kind: 'all', children: condition.all.map((c) => compileCondition(c, lists)) };
  if (condition.any !== undefined) return { kind: 'any', children: condition.any.map((c) => compileCondition(c, lists)) };
  if (condition.not !== undefined) return { kind: 'not', child: compileCondition(condition.not, lists) };
  return compileLeaf(condition, lists);
}
