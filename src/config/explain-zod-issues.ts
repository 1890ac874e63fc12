import type * as z from 'zod';
import { joinAlternatives, type ConfigIssue, type PathSegment } from './config-error.js';
import { asRecord } from './raw-data.js';

type Issue = z.core.$ZodIssue;

export interface ExplainContext {
  /** Keys an action may have (the destination kinds), named when an action has an unknown one. */
  readonly actionKinds: readonly string[];
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string', number: 'a number', int: 'a whole number', boolean: 'true/false',
  array: 'a list', tuple: 'a list', object: 'a mapping', record: 'a mapping', null: 'nothing',
};

/** What a value is, in words; strings are never echoed (a misplaced secret must not reach the logs). */
function describe(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return 'a string';
  return String(value);
}

type Lookup = { found: true; value: unknown } | { found: false };

function lookup(root: unknown, path: readonly PathSegment[]): Lookup {
  let cur = root;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number' && seg < cur.length) cur = cur[seg];
    else {
      const rec = asRecord(cur);
      if (rec === undefined || !Object.hasOwn(rec, String(seg))) return { found: false };
      cur = rec[String(seg)];
    }
  }
  return { found: true, value: cur };
}

const isActionPath = (path: readonly PathSegment[]) =>
  path.length === 4 && path[0] === 'rules' && typeof path[1] === 'number' && path[2] === 'actions' && typeof path[3] === 'number';

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

function sizeMessage(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>): string {
  const small = issue.code === 'too_small';
  const n = Number(small ? issue.minimum : issue.maximum);
  const bound = small ? (issue.inclusive === false ? 'more than' : 'at least') : (issue.inclusive === false ? 'fewer than' : 'at most');
  switch (issue.origin) {
    case 'array':
      return `expected ${bound} ${n} item${n === 1 ? '' : 's'}`;
    case 'string':
      return small && n === 1 ? 'must not be empty' : `must be ${bound} ${n} character${n === 1 ? '' : 's'} long`;
    case 'number':
    case 'int':
      return `must be ${small ? (issue.inclusive === false ? 'greater than' : 'at least') : (issue.inclusive === false ? 'less than' : 'at most')} ${n}`;
    default:
      return lowerFirst(issue.message);
  }
}

/** Expected types of a union whose every option failed on the type itself, e.g. "a string or a list". */
function unionExpectation(errors: readonly (readonly Issue[])[]): string | undefined {
  const expected: string[] = [];
  for (const branch of errors) {
    const first = branch[0];
    if (branch.length !== 1 || first === undefined || first.code !== 'invalid_type' || first.path.length > 0) return undefined;
    const word = TYPE_WORDS[first.expected] ?? first.expected;
    if (!expected.includes(word)) expected.push(word);
  }
  return joinAlternatives(expected);
}

/**
 * Turns zod's issues into plain, lower-case messages located on the YAML: an unknown key points
 * at the key, a missing key at the mapping that lacks it.
 */
export function explainZodIssues(issues: readonly Issue[], data: unknown, ctx: ExplainContext, prefix: readonly PathSegment[] = []): ConfigIssue[] {
  const pathOf = (issue: Issue): PathSegment[] => [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
  // An action with an unknown kind also fails "exactly one of ..."; the unknown kind says it better.
  const unknownKindAt = new Set(issues.filter((i) => i.code === 'unrecognized_keys' && isActionPath(pathOf(i))).map((i) => JSON.stringify(pathOf(i))));
  return issues
    .filter((issue) => !(issue.code === 'custom' && unknownKindAt.has(JSON.stringify(pathOf(issue)))))
    .flatMap((issue) => explain(issue, data, ctx, pathOf(issue)));
}

function explain(issue: Issue, data: unknown, ctx: ExplainContext, path: PathSegment[]): ConfigIssue[] {
  const here = lookup(data, path);
  const parent = path.slice(0, -1);
  const last = String(path.at(-1) ?? '');
  const missing = !here.found || here.value === undefined;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        path: [...path, key],
        at: 'key' as const,
        message: isActionPath(path) ? `unknown action kind "${key}" (expected ${joinAlternatives(ctx.actionKinds)})` : `unknown key "${key}"`,
      }));
    case 'invalid_union': {
      if (issue.discriminator !== undefined) {
        const options = joinAlternatives(('options' in issue ? (issue.options ?? []) : []).map(String));
        const what = path[0] === 'destinations' ? 'destination kind' : issue.discriminator;
        if (missing) return [{ path: parent, message: `missing required key "${issue.discriminator}" (expected ${options})` }];
        const value = here.value;
        const shown = typeof value === 'string' ? JSON.stringify(value) : describe(value);
        return [{ path, message: `unknown ${what} ${shown} (expected ${options})` }];
      }
      if (missing) return [{ path: parent, message: `missing required key "${last}"` }];
      // One option got the type right: its issues are the useful ones.
      const typed = issue.errors.filter((branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0));
      if (typed.length === 1 && typed[0] !== undefined) return explainZodIssues(typed[0], data, ctx, path);
      const expected = unionExpectation(issue.errors);
      return [{ path, message: expected === undefined ? lowerFirst(issue.message) : `expected ${expected}, got ${describe(here.value)}` }];
    }
    case 'invalid_type':
      if (path.length === 0 && (missing || here.value === null)) return [{ path, message: 'the file is empty; expected a mapping that starts with "version: 1"' }];
      if (missing) return [{ path: parent, message: `missing required key "${last}"` }];
      return [{ path, message: `expected ${TYPE_WORDS[issue.expected] ?? issue.expected}, got ${describe(here.value)}` }];
    case 'invalid_value':
      if (missing) return [{ path: parent, message: `missing required key "${last}"` }];
      if (path.length === 1 && path[0] === 'version') return [{ path, message: `expected version ${issue.values.map(String).join(' or ')}` }];
      return [{ path, message: `expected ${joinAlternatives(issue.values.map((v) => JSON.stringify(v)))}` }];
    case 'too_small':
    case 'too_big':
      return [{ path, message: sizeMessage(issue) }];
    case 'invalid_key':
      return [{ path, at: 'key', message: `invalid name "${last}": ${issue.issues.map((i) => lowerFirst(i.message)).join('; ')}` }];
    case 'invalid_format':
      // Custom messages (names, credentials) are already plain; zod's defaults read "Invalid ...".
      return [{ path, message: /^Invalid /.test(issue.message) ? `expected a valid ${issue.format}` : issue.message }];
    default:
      return [{ path, message: lowerFirst(issue.message) }];
  }
}
