import type { BridgeEvent, Json, JsonObject } from '../events/event.js';
import type { CompiledCondition } from './compile-condition.js';
import type { OnMatcher } from './compile-on.js';
import { isSubscribed } from './compile-on.js';
import { getPath } from './get-path.js';
import { scalarKey } from './operators.js';

type Scalar = string | number | boolean;

/** What the index needs of a compiled rule. */
export interface IndexedRule {
  readonly enabled: boolean;
  readonly on: OnMatcher;
  readonly when: CompiledCondition | undefined;
}

/**
 * A place of lookup: a field of the event view read as-is or case-folded (`field`), or the event's
 * type or `event.name` (its `on:`), with its postings: key → positions of the rules posted under
 * it, ascending.
 */
interface Dimension {
  readonly source: 'type' | 'name' | 'field';
  readonly path: readonly string[];
  readonly fold: boolean;
  readonly postings: Map<Scalar, number[]>;
}

/**
 * One key of one dimension, made once per (dimension, key) so that every rule naming it holds the
 * same object: counting and costing are then field reads, not string ids built per rule.
 */
interface Probe {
  readonly dimension: Dimension;
  readonly key: Scalar;
  /** How many enabled rules could be selected by this key (counted once per rule). */
  shared: number;
  /** The last count() this probe was counted in: once per rule even when a rule names it twice. */
  stamp: number;
}

/**
 * Finds the rules that can match an event without testing every rule. Each enabled rule is posted
 * under ONE set of keys, any of which an event must have for the rule to match: its `on:` (the
 * event's type or name), or, inside its condition's top-level conjunction (`all`, nested alls),
 * an `equals` or `in` field test, or an `any` whose every branch is one. Of those, the set whose
 * keys the fewest other rules share is chosen. A rule an event hits no key of cannot match it: its
 * `on:` or one of the tests its condition needs fails. The candidates are then planned exactly as
 * without the index (subscription, condition, cooldown, quiet hours, in file order), so the index
 * only skips rules, and a `stop:` only ever stops rules at or after it.
 *
 * Only these tests are keys, because their check is exactly "the value is a scalar whose
 * scalarKey is one of these" (operators.ts `keys`): `ignore_case` folds the event's value the same
 * way (a folded and an unfolded test of one field are two places of lookup), `equals` never coerces
 * (`1` and `"1"` are different keys, as for the check), named lists are the same Sets the check
 * reads, and env values are resolved before compiling. `not`, memory, time, and every other
 * operator make no key; a rule with none is found by its `on:`.
 */
export interface RuleIndex {
  /** Positions of the enabled rules the event hits a key of, ascending (file order). */
  candidates(event: BridgeEvent, view: JsonObject): readonly number[];
  /** How many enabled rules are on the event (what the plain loop would have evaluated). */
  subscribed(event: BridgeEvent): number;
}

const dimensionId = (source: Dimension['source'], path = '', fold = false): string => `${source}:${fold ? 'i' : 's'}:${path}`;

/** Interns dimensions by id and probes by (dimension, key); a Map key is a key as the postings keep it (1 is not "1"). */
class Probes {
  readonly #dimensions = new Map<string, Dimension>();
  readonly #probes = new Map<Dimension, Map<Scalar, Probe>>();
  /** A rule's `on:` keys and a leaf's key set, made once: both passes over the rules read them (Maps, not WeakMaps: they live only while the index is built). */
  readonly #ons = new Map<OnMatcher, Probe[]>();
  readonly #leaves = new Map<CompiledCondition, Probe[][]>();

  dimension(source: Dimension['source'], path: readonly string[], fold: boolean, id: string): Dimension {
    let d = this.#dimensions.get(id);
    if (d === undefined) {
      d = { source, path, fold, postings: new Map() };
      this.#dimensions.set(id, d);
    }
    return d;
  }

  probe(dimension: Dimension, key: Scalar): Probe {
    let byKey = this.#probes.get(dimension);
    if (byKey === undefined) {
      byKey = new Map();
      this.#probes.set(dimension, byKey);
    }
    let p = byKey.get(key);
    if (p === undefined) {
      p = { dimension, key, shared: 0, stamp: 0 };
      byKey.set(key, p);
    }
    return p;
  }

  on(on: OnMatcher): Probe[] {
    let list = this.#ons.get(on);
    if (list === undefined) {
      const types = this.dimension('type', [], false, dimensionId('type'));
      const names = this.dimension('name', [], false, dimensionId('name'));
      list = [...[...on.types].map((t) => this.probe(types, t)), ...[...on.names].map((n) => this.probe(names, n))];
      this.#ons.set(on, list);
    }
    return list;
  }

  leaf(condition: CompiledCondition & { kind: 'leaf' }): Probe[][] {
    let sets = this.#leaves.get(condition);
    if (sets === undefined) {
      const { path, index } = condition;
      if (index === undefined) sets = [];
      else {
        const dimension = this.dimension('field', path, index.fold, dimensionId('field', JSON.stringify(path), index.fold));
        sets = [[...index.keys].map((key) => this.probe(dimension, key))];
      }
      this.#leaves.set(condition, sets);
    }
    return sets;
  }
}

/**
 * The key sets `condition` needs: each entry alone is necessary (the condition holds only if the
 * event hits one of its keys). None when nothing is provably necessary.
 */
function keySets(condition: CompiledCondition, probes: Probes, best: (options: Probe[][]) => Probe[] | undefined): Probe[][] {
  switch (condition.kind) {
    case 'leaf':
      return probes.leaf(condition);
    case 'all':
      return condition.children.flatMap((c) => keySets(c, probes, best));
    case 'any': {
      // Every branch needs a key set; the union of one from each is necessary. No branch: never holds.
      const union: Probe[] = [];
      for (const c of condition.children) {
        const chosen = best(keySets(c, probes, best));
        if (chosen === undefined) return [];
        union.push(...chosen);
      }
      return [union];
    }
    default:
      return [];
  }
}

/** Merges two ascending lists without duplicates. */
function merge(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = i < a.length ? (a[i] as number) : Infinity;
    const y = j < b.length ? (b[j] as number) : Infinity;
    if (x <= y) {
      out.push(x);
      i += 1;
      if (x === y) j += 1;
    } else {
      out.push(y);
      j += 1;
    }
  }
  return out;
}

const isScalar = (v: Json | undefined): v is Scalar => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** Distinct (type, name) pairs whose subscribed count is remembered; unknown names are the sender's to choose. */
const SUBSCRIBED_CACHE = 1024;

/** Builds the index over `rules` (compiled, in file order). */
export function createRuleIndex(rules: readonly IndexedRule[]): RuleIndex {
  const probes = new Probes();
  // How many rules each key could select: a key set's cost is the sum over its keys.
  let stamp = 0;
  const count = (list: readonly Probe[]): void => {
    for (const p of list) {
      if (p.stamp === stamp) continue;
      p.stamp = stamp;
      p.shared += 1;
    }
  };
  const noChoice = (options: Probe[][]): Probe[] | undefined => options[0];
  for (const rule of rules) {
    if (!rule.enabled) continue;
    stamp += 1;
    count(probes.on(rule.on));
    stamp += 1;
    const sets = rule.when === undefined ? [] : keySets(rule.when, probes, noChoice);
    for (const set of sets) count(set);
  }
  const cost = (list: readonly Probe[]): number => {
    let sum = 0;
    for (const p of list) sum += p.shared;
    return sum;
  };
  const best = (options: Probe[][]): Probe[] | undefined => {
    let chosen: Probe[] | undefined;
    let chosenCost = 0;
    for (const o of options) {
      const c = cost(o);
      if (chosen === undefined || c < chosenCost) {
        chosen = o;
        chosenCost = c;
      }
    }
    return chosen;
  };

  // In the order rules are first posted, as only dimensions with postings are looked up.
  const lookups: Dimension[] = [];
  rules.forEach((rule, position) => {
    if (!rule.enabled) return;
    const sets = rule.when === undefined ? [] : keySets(rule.when, probes, best);
    const chosen = best([probes.on(rule.on), ...sets]) ?? [];
    for (const p of chosen) {
      const postings = p.dimension.postings;
      if (postings.size === 0) lookups.push(p.dimension);
      const list = postings.get(p.key);
      if (list === undefined) postings.set(p.key, [position]);
      else if (list.at(-1) !== position) list.push(position);
    }
  });

  const subscribedCounts = new Map<string, number>();
  return {
    candidates(event, view) {
      let out: readonly number[] = [];
      for (const d of lookups) {
        const value = d.source === 'type' ? event.type : d.source === 'name' ? event.name : getPath(view, d.path);
        if (!isScalar(value)) continue;
        const hit = d.postings.get(d.fold ? scalarKey(value, true) : value);
        if (hit !== undefined) out = out.length === 0 ? hit : merge(out, hit);
      }
      return out;
    },
    subscribed(event) {
      const id = `${event.type}\u0000${event.name}`;
      let n = subscribedCounts.get(id);
      if (n === undefined) {
        n = rules.filter((r) => r.enabled && isSubscribed(r.on, event)).length;
        if (subscribedCounts.size < SUBSCRIBED_CACHE) subscribedCounts.set(id, n);
      }
      return n;
    },
  };
}
