import { kindOf } from '../actions/registry.js';
import { joinWords } from './config-error.js';
import { envRefName } from '../env-ref.js';
import type { Env } from '../env.js';
import { envValue } from './resolve-env.js';

export interface ResolvedDestination {
  readonly name: string;
  readonly kind: string;
  /** The destination as configured: non-credential `${VAR}` resolved, credential fields still the reference text. */
  readonly config: Record<string, unknown>;
  /** Credential field -> value, only the ones whose variable is set. */
  readonly secrets: Readonly<Record<string, string>>;
  /** One complete credential set (ActionKind.credentialSets) is set. */
  readonly live: boolean;
  /** Environment variables named by credential fields that are not set. */
  readonly missing: readonly string[];
}

/**
 * Reads each destination's credentials from the environment. A destination without a complete
 * credential set runs dry (logs what it would send), so the quick start works before any token exists.
 */
export function resolveDestinations(
  destinations: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
  env: Env,
): { destinations: Map<string, ResolvedDestination>; warnings: string[] } {
  const out = new Map<string, ResolvedDestination>();
  const warnings: string[] = [];
  for (const [name, dest] of Object.entries(destinations)) {
    const config = { ...dest };
    const kindName = String(dest.kind);
    const kind = kindOf(kindName);
    const secrets: Record<string, string> = {};
    const missing: string[] = [];
    for (const field of kind?.credentialFields ?? []) {
      const ref = config[field];
      const variable = typeof ref === 'string' ? envRefName(ref) : undefined;
      if (variable === undefined) continue;
      const value = envValue(env, variable);
      if (value === undefined) missing.push(variable);
      else secrets[field] = value;
    }
    const live = (kind?.credentialSets ?? []).some((set) => set.every((field) => Object.hasOwn(secrets, field)));
    if (!live) {
      const unset = missing.length === 0 ? 'no credentials are configured' : `${joinWords(missing)} ${missing.length === 1 ? 'is' : 'are'} not set`;
      warnings.push(`destination "${name}": ${unset}; it will run dry (log what it would send)`);
    }
    out.set(name, { name, kind: kindName, config, secrets, live, missing });
  }
  return { destinations: out, warnings };
}
