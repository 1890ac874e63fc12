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
 * Where a rule is looked up: a field of the event view read as-is or case-folded (`field`), or the
 * event's type or `event.name` (its `on:`), and the keys under which the rule is posted there.
 */
interface Probe {
  /** Names the place of lookup: source, fold and path. */
  readonly dimension: string;
  readonly source: Dimension['source'];
  readonly path: readonly string[];
  readonly fold: boolean;
  readonly key: Scalar;
  /** dimension, key type and key: unique per probe. */
  readonly id: string;
}

/** One place of lookup and its postings: key → positions of the rules posted under it, ascending. */
interface Dimension {
  readonly source: 'type' | 'name' | 'field';
  readonly path: readonly string[];
  readonly fold: boolean;
  readonly postings: Map<Scalar, number[]>;
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

/** A probe with its id (dimension, key type, key) made once: the index compares costs by it often. */
function probe(dimension: string, source: Probe['source'], path: Probe['path'], fold: boolean, key: Probe['key']): Probe {
  return { dimension, source, path, fold, key, id: `${dimension}\u0000${typeof key}\u0000${String(key)}` };
}

function onProbes(on: OnMatcher): Probe[] {
  const of = (source: 'type' | 'name', key: string): Probe => probe(dimensionId(source), source, [], false, key);
  return [...[...on.types].map((t) => of('type', t)), ...[...on.names].map((n) => of('name', n))];
}

/**
 * The key sets `condition` needs: each entry alone is necessary (the condition holds only if the
 * event hits one of its keys). None when nothing is provably necessary.
 */
function keySets(condition: CompiledCondition, best: (options: Probe[][]) => Probe[] | undefined): Probe[][] {
  switch (condition.kind) {
    case 'leaf': {
      if (condition.index === undefined) return [];
      const { path, index } = condition;
      const dimension = dimensionId('field', JSON.stringify(path), index.fold);
      return [[...index.keys].map((key) => probe(dimension, 'field', path, index.fold, key))];
    }
    case 'all':
      return condition.children.flatMap((c) => keySets(c, best));
    case 'any': {
      // Every branch needs a key set; the union of one from each is necessary. No branch: never holds.
      const union: Probe[] = [];
      for (const c of condition.children) {
        const chosen = best(keySets(c, best));
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
  // How many rules each key could select: a key set's cost is the sum over its keys.
  const shared = new Map<string, number>();
  const probeId = (p: Probe): string => p.id;
  const count = (probes: readonly Probe[]): void => {
    for (const id of new Set(probes.map(probeId))) shared.set(id, (shared.get(id) ?? 0) + 1);
  };
  const noChoice = (options: Probe[][]): Probe[] | undefined => options[0];
  for (const rule of rules) {
    if (!rule.enabled) continue;
    count(onProbes(rule.on));
    const sets = rule.when === undefined ? [] : keySets(rule.when, noChoice);
    count(sets.flat());
  }
  const cost = (probes: readonly Probe[]): number => probes.reduce((sum, p) => sum + (shared.get(probeId(p)) ?? 0), 0);
  const best = (options: Probe[][]): Probe[] | undefined => {
    let chosen: Probe[] | undefined;
    for (const o of options) if (chosen === undefined || cost(o) < cost(chosen)) chosen = o;
    return chosen;
  };

  const dimensions = new Map<string, Dimension>();
  const dimension = (p: Probe): Dimension => {
    let d = dimensions.get(p.dimension);
    if (d === undefined) {
      d = { source: p.source, fold: p.fold, path: p.path, postings: new Map() };
      dimensions.set(p.dimension, d);
    }
    return d;
  };
  rules.forEach((rule, position) => {
    if (!rule.enabled) return;
    const sets = rule.when === undefined ? [] : keySets(rule.when, best);
    const chosen = best([onProbes(rule.on), ...sets]) ?? [];
    for (const p of chosen) {
      const postings = dimension(p).postings;
      const list = postings.get(p.key);
      if (list === undefined) postings.set(p.key, [position]);
      else if (list.at(-1) !== position) list.push(position);
    }
  });
  const lookups = [...dimensions.values()];

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
