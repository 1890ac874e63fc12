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
  /** Its keys' probes while the index is built. */
  readonly probes: Map<Scalar, Probe>;
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

/**
 * What a condition needs, built once per rule: alternatives, each alone necessary. A key set is
 * final; an `any` becomes one key set per choice of its branches' alternatives, made when the
 * choosing knows the counts (both passes below read the same needs, so none is built twice).
 */
type Need = Probe[] | AnyNeed;
interface AnyNeed {
  readonly branches: readonly (readonly Need[])[];
}

/** Interns dimensions by field path and fold, and probes by key on their dimension; a Map key is a key as the postings keep it (1 is not "1"). */
class Probes {
  readonly type: Dimension = { source: 'type', path: [], fold: false, postings: new Map(), probes: new Map() };
  readonly name: Dimension = { source: 'name', path: [], fold: false, postings: new Map(), probes: new Map() };
  readonly #fields = new Map<string, Dimension>();
  readonly #folded = new Map<string, Dimension>();
  /** By the path array itself: the compiler shares one array per field, so this is the usual hit. */
  readonly #byArray = new Map<readonly string[], Dimension>();
  readonly #byArrayFolded = new Map<readonly string[], Dimension>();

  field(path: readonly string[], fold: boolean): Dimension {
    const byArray = fold ? this.#byArrayFolded : this.#byArray;
    let d = byArray.get(path);
    if (d !== undefined) return d;
    const byPath = fold ? this.#folded : this.#fields;
    // A leaf's path is its field split at dots, so joining them back is one field per path.
    const id = path.join('.');
    d = byPath.get(id);
    if (d === undefined) {
      d = { source: 'field', path, fold, postings: new Map(), probes: new Map() };
      byPath.set(id, d);
    }
    byArray.set(path, d);
    return d;
  }

  probe(dimension: Dimension, key: Scalar): Probe {
    let p = dimension.probes.get(key);
    if (p === undefined) {
      p = { dimension, key, shared: 0, stamp: 0 };
      dimension.probes.set(key, p);
    }
    return p;
  }

  on(on: OnMatcher): Probe[] {
    const list: Probe[] = [];
    for (const t of on.types) list.push(this.probe(this.type, t));
    for (const n of on.names) list.push(this.probe(this.name, n));
    return list;
  }
}

/**
 * The needs of `condition`, appended to `out`: each alone is necessary (the condition holds only
 * if the event hits one of its keys). None when nothing is provably necessary.
 */
function needsOf(condition: CompiledCondition, probes: Probes, out: Need[]): Need[] {
  switch (condition.kind) {
    case 'leaf': {
      const index = condition.index;
      if (index !== undefined) {
        const dimension = probes.field(condition.path, index.fold);
        const set: Probe[] = [];
        for (const key of index.keys) set.push(probes.probe(dimension, key));
        out.push(set);
      }
      return out;
    }
    case 'all':
      for (const c of condition.children) needsOf(c, probes, out);
      return out;
    case 'any': {
      // Every branch needs a key set; the union of one from each is necessary. No branch: never holds.
      const branches: Need[][] = [];
      for (const c of condition.children) {
        const needs = needsOf(c, probes, []);
        if (needs.length === 0) return out;
        branches.push(needs);
      }
      out.push({ branches });
      return out;
    }
    default:
      return out;
  }
}

type Choose = (options: readonly Need[]) => Probe[] | undefined;

/** A need as a key set: an `any`'s is the union of what `choose` picks in each branch. */
function keysOf(need: Need, choose: Choose): Probe[] {
  if (Array.isArray(need)) return need;
  const union: Probe[] = [];
  for (const branch of (need as AnyNeed).branches) union.push(...(choose(branch) as Probe[]));
  return union;
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
  // Each enabled rule's `on:` keys and needs, by position: both passes read them.
  const ons: Probe[][] = [];
  const needs: Need[][] = [];
  for (let position = 0; position < rules.length; position++) {
    const rule = rules[position] as IndexedRule;
    if (!rule.enabled) continue;
    ons[position] = probes.on(rule.on);
    needs[position] = rule.when === undefined ? [] : needsOf(rule.when, probes, []);
  }
  // How many rules each key could select: a key set's cost is the sum over its keys.
  let stamp = 0;
  const count = (list: readonly Probe[]): void => {
    for (const p of list) {
      if (p.stamp === stamp) continue;
      p.stamp = stamp;
      p.shared += 1;
    }
  };
  const first: Choose = (options) => (options.length === 0 ? undefined : keysOf(options[0] as Need, first));
  for (let position = 0; position < rules.length; position++) {
    if (!(rules[position] as IndexedRule).enabled) continue;
    stamp += 1;
    count(ons[position] as Probe[]);
    stamp += 1;
    for (const need of needs[position] as Need[]) count(keysOf(need, first));
  }
  const cost = (list: readonly Probe[]): number => {
    let sum = 0;
    for (const p of list) sum += p.shared;
    return sum;
  };
  const cheapest = (chosen: Probe[] | undefined, options: readonly Need[]): Probe[] | undefined => {
    let chosenCost = chosen === undefined ? 0 : cost(chosen);
    for (const o of options) {
      const keys = keysOf(o, best);
      const c = cost(keys);
      if (chosen === undefined || c < chosenCost) {
        chosen = keys;
        chosenCost = c;
      }
    }
    return chosen;
  };
  const best: Choose = (options) => cheapest(undefined, options);

  // In the order rules are first posted, as only dimensions with postings are looked up.
  const lookups: Dimension[] = [];
  for (let position = 0; position < rules.length; position++) {
    if (!(rules[position] as IndexedRule).enabled) continue;
    const chosen = cheapest(ons[position] as Probe[], needs[position] as Need[]) ?? [];
    for (const p of chosen) {
      const postings = p.dimension.postings;
      if (postings.size === 0) lookups.push(p.dimension);
      const list = postings.get(p.key);
      if (list === undefined) postings.set(p.key, [position]);
      else if (list.at(-1) !== position) list.push(position);
    }
  }

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
