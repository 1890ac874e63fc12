import type { PathSegment } from './config-error.js';

/**
 * Helpers to read the YAML as parsed, before (or without) the schema: the semantic checks run on
 * it defensively so that they can report alongside schema errors, all at once.
 */
export type RawRecord = Readonly<Record<string, unknown>>;

export function asRecord(value: unknown): RawRecord | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as RawRecord) : undefined;
}

export function asArray(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

export function own(record: RawRecord, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Each rule with its index, skipping entries that are not mappings (the schema reports those). */
export function rawRules(root: unknown): { rule: RawRecord; path: PathSegment[] }[] {
  const rules = asArray(asRecord(root)?.rules) ?? [];
  const out: { rule: RawRecord; path: PathSegment[] }[] = [];
  for (let i = 0; i < rules.length; i++) {
    const rule = asRecord(rules[i]);
    if (rule !== undefined) out.push({ rule, path: ['rules', i] });
  }
  return out;
}

/** Each action of a rule as `{ kind, params }` for every key of the action mapping whose value is a mapping. */
export function rawActions(rule: RawRecord, rulePath: readonly PathSegment[]): { kind: string; params: RawRecord; path: PathSegment[] }[] {
  const actions = asArray(own(rule, 'actions')) ?? [];
  const out: { kind: string; params: RawRecord; path: PathSegment[] }[] = [];
  // Loops, not flatMap over Object.entries: two checks call this on every rule.
  for (let j = 0; j < actions.length; j++) {
    const action = asRecord(actions[j]);
    if (action === undefined) continue;
    for (const kind of Object.keys(action)) {
      const params = asRecord(action[kind]);
      if (params !== undefined) out.push({ kind, params, path: [...rulePath, 'actions', j, kind] });
    }
  }
  return out;
}
