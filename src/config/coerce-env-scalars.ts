import type * as z from 'zod';
import type { ConfigIssue, PathSegment } from './config-error.js';
import { pathKey } from './resolve-env.js';

type Issue = z.core.$ZodIssue;

export interface CoercedEnv {
  /** The data with each coercible whole `${VAR}` string replaced by its boolean or number. */
  readonly value: unknown;
  /** At least one string was replaced: parse again. */
  readonly changed: boolean;
  /** Whole `${VAR}` strings where the schema wants a boolean or number the value is not. */
  readonly issues: ConfigIssue[];
}

// YAML 1.2 core schema spellings (https://yaml.org/spec/1.2.2/#1032-tag-resolution), so a value
// means in the environment what it would mean written in the file.
const BOOLEANS: Record<string, boolean> = { true: true, True: true, TRUE: true, false: false, False: false, FALSE: false };
const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

function setAt(root: unknown, path: readonly PathSegment[], value: unknown): void {
  let cur = root as Record<string | number, unknown>;
  for (const seg of path.slice(0, -1)) cur = cur[seg] as Record<string | number, unknown>;
  cur[path[path.length - 1] as string | number] = value;
}

function coerce(text: string, expected: 'boolean' | 'number'): boolean | number | undefined {
  if (expected === 'boolean') return Object.hasOwn(BOOLEANS, text) ? BOOLEANS[text] : undefined;
  return NUMBER.test(text) ? Number(text) : undefined;
}

/**
 * Lets `enabled: ${RULE_ON}` or `requests_per_10s: ${HUBSPOT_BURST}` serve staging and production
 * from one file. Only where the schema itself asked for a boolean or a number (its invalid_type
 * issues) and only for strings that were exactly one `${VAR}`: a string field whose variable
 * happens to hold "123" stays a string. The value is never echoed: it came from the environment.
 */
export function coerceEnvScalars(data: unknown, zodIssues: readonly Issue[], wholeRefs: ReadonlyMap<string, string>): CoercedEnv {
  const value = structuredClone(data);
  const issues: ConfigIssue[] = [];
  let changed = false;
  for (const issue of zodIssues) {
    if (issue.code !== 'invalid_type') continue;
    const expected: string = issue.expected;
    if (expected !== 'boolean' && expected !== 'number') continue;
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const name = wholeRefs.get(pathKey(path));
    if (name === undefined) continue;
    let cur: unknown = value;
    for (const seg of path) cur = (cur as Record<string | number, unknown>)[seg];
    if (typeof cur !== 'string') continue;
    const coerced = coerce(cur, expected);
    if (coerced === undefined) {
      const want = expected === 'boolean' ? 'true or false' : 'a number';
      issues.push({ path, message: `environment variable "${name}" must be ${want} here` });
      continue;
    }
    setAt(value, path, coerced);
    changed = true;
  }
  return { value, changed, issues };
}
