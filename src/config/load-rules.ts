import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { kindOf, registry } from '../actions/registry.js';
import { checkActionBuilds } from './check-action-builds.js';
import { checkConditions } from './check-conditions.js';
import { checkCrm } from './check-crm.js';
import { checkCredentials } from './check-credentials.js';
import { checkReferences } from './check-references.js';
import { checkTemplates } from './check-templates.js';
import { coerceEnvScalars } from './coerce-env-scalars.js';
import type { ConfigIssue } from './config-error.js';
import { credentialPaths } from './credential-paths.js';
import { explainZodIssues } from './explain-zod-issues.js';
import { formatIssues } from './format-issues.js';
import { asRecord, own, rawActions, rawRules } from './raw-data.js';
import { resolveDestinations, type ResolvedDestination } from './resolve-destinations.js';
import type { Env } from '../env.js';
import { pathKey, resolveEnv, type CredentialUse } from './resolve-env.js';
import { ruleEventTypes } from './rule-event-types.js';
import { RulesFileSchema, type RulesFile } from './rules-schema.js';
import { readYaml } from './read-yaml.js';
import { errorMessage } from '../error-message.js';

export type { ResolvedDestination } from './resolve-destinations.js';

export interface LoadedRules {
  /** Parsed by the schema (defaults applied), `${VAR}` in non-credential strings resolved. */
  readonly file: RulesFile;
  readonly destinations: ReadonlyMap<string, ResolvedDestination>;
  /** First 12 hex digits of the sha256 of the file text. */
  readonly version: string;
  readonly warnings: readonly string[];
}

export type LoadResult = { ok: true; rules: LoadedRules } | { ok: false; errors: readonly string[] };

const ACTION_KINDS: readonly string[] = Object.keys(registry);

/**
 * zod compiles a parser for each object schema on its first parse (new Function): ~25 ms of CPU
 * that a small file never earns back (the bundled rules.yaml loads in ~36 ms without it, ~61 ms
 * with it), while at 10,000 rules the compiled parser saves ~250 ms. Below this many rules, parse
 * without compiling.
 */
const JIT_FROM_RULES = 1000;
const parseOptions = (data: unknown): { jitless: boolean } => {
  const rules = own(asRecord(data) ?? {}, 'rules');
  return { jitless: !Array.isArray(rules) || rules.length < JIT_FROM_RULES };
};

/** Which strings are credentials: any `credential()` field, and each destination kind's credentialFields (dry when unset). */
function credentialUses(data: unknown): Map<string, CredentialUse> {
  const uses = new Map<string, CredentialUse>();
  for (const path of credentialPaths(RulesFileSchema, data)) uses.set(pathKey(path), path[0] === 'destinations' ? 'destination' : 'required');
  for (const [name, dest] of Object.entries(asRecord(own(asRecord(data) ?? {}, 'destinations')) ?? {})) {
    const kind = own(asRecord(dest) ?? {}, 'kind');
    for (const field of typeof kind === 'string' ? (kindOf(kind)?.credentialFields ?? []) : []) {
      uses.set(pathKey(['destinations', name, field]), 'destination');
    }
  }
  return uses;
}

/** Checks zod cannot express locally: references, event types, fields, regexes, templates. */
function semanticIssues(data: unknown): { errors: ConfigIssue[]; warnings: ConfigIssue[] } {
  const { errors, warnings } = checkReferences(data, ACTION_KINDS);
  for (const { rule, path } of rawRules(data)) {
    const { types, issues } = ruleEventTypes(rule, path);
    errors.push(...issues, ...checkConditions(rule, path, types));
    const crm = checkCrm(rule, path, data);
    errors.push(...crm.errors);
    warnings.push(...crm.warnings);
    const digest = own(rule, 'digest') !== undefined;
    if (!digest && own(rule, 'bypass_digest') !== undefined) {
      errors.push({ path: [...path, 'bypass_digest'], at: 'key', message: 'bypass_digest needs a digest on the same rule' });
    }
    for (const action of rawActions(rule, path)) {
      const kind = kindOf(action.kind);
      if (kind !== undefined) errors.push(...checkTemplates(action.params, action.path, kind, types, digest));
    }
  }
  return { errors, warnings };
}

/**
 * Loads rules.yaml strictly: every problem (YAML syntax, schema, references, event types, fields,
 * regexes, templates, unset environment variables) is reported at once as
 * `<file>:<line>:<col> <path>: <message>`. Unset destination credentials are only warnings: that
 * destination runs dry.
 */
export function loadRulesText(text: string, fileLabel: string, env: Env): LoadResult {
  const read = readYaml(text);
  const fail = (issues: readonly ConfigIssue[]): LoadResult => ({ ok: false, errors: formatIssues(issues, fileLabel, read.locator()) });
  if (!read.ok) return fail(read.issues);
  const data = read.data;

  const resolved = resolveEnv(data, env, credentialUses(data));
  let value = resolved.value;
  let parsed = RulesFileSchema.safeParse(value, parseOptions(value));
  let coercion: ConfigIssue[] = [];
  if (!parsed.success) {
    const coerced = coerceEnvScalars(value, parsed.error.issues, resolved.wholeRefs);
    coercion = coerced.issues;
    if (coerced.changed) {
      value = coerced.value;
      parsed = RulesFileSchema.safeParse(value, parseOptions(value));
    }
  }
  // A variable that is unset, or not the boolean or number needed, is said once, by name.
  const explained = new Set([...resolved.issues, ...coercion].map((i) => pathKey(i.path)));
  const semantic = semanticIssues(value);
  const errors = [
    ...resolved.issues,
    ...coercion,
    ...(parsed.success ? [] : explainZodIssues(parsed.error.issues, value, { actionKinds: ACTION_KINDS }).filter((i) => !explained.has(pathKey(i.path)))),
    ...semantic.errors,
    ...(parsed.success ? checkActionBuilds(parsed.data) : []),
  ];
  if (!parsed.success || errors.length > 0) return fail(errors);

  const file = parsed.data;
  const dests = resolveDestinations(file.destinations, env);
  const malformed = checkCredentials(dests.destinations);
  if (malformed.length > 0) return fail(malformed);
  return {
    ok: true,
    rules: {
      file,
      destinations: dests.destinations,
      version: createHash('sha256').update(text).digest('hex').slice(0, 12),
      warnings: [...(semantic.warnings.length > 0 ? formatIssues(semantic.warnings, fileLabel, read.locator()) : []), ...dests.warnings],
    },
  };
}

/**
 * Reads and loads a rules file; `path` as given labels every error. Read synchronously: a few KB,
 * and `bridge check` then never loads node:fs/promises (~1.5 ms of its start).
 */
export async function loadRulesFile(path: string, env: Env): Promise<LoadResult> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : errorMessage(e);
    return { ok: false, errors: [`${path}: cannot read file: ${reason}`] };
  }
  return loadRulesText(text, path, env);
}
