import type { Env } from '../env.js';
import type { ConfigIssue, PathSegment } from './config-error.js';

/** `${NAME}`, or `$${NAME}` for a literal `${NAME}` (as in Docker Compose). */
const REF = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** A variable counts as set when it is defined and not empty (an empty token is no token). */
export function envValue(env: Env, name: string): string | undefined {
  const v = Object.hasOwn(env, name) ? env[name] : undefined;
  return v === undefined || v === '' ? undefined : v;
}

/** Replaces each `${NAME}` in `text`; unset names are left as written and returned in `missing`. */
export function substituteEnv(text: string, env: Env): { value: string; missing: string[] } {
  const missing: string[] = [];
  const value = text.replace(REF, (whole, escaped: string, name: string) => {
    if (escaped !== '') return whole.slice(1);
    const v = envValue(env, name);
    if (v === undefined) {
      if (!missing.includes(name)) missing.push(name);
      return whole;
    }
    return v;
  });
  return { value, missing };
}

/** Key of a path in a set of paths. */
export const pathKey = (path: readonly PathSegment[]): string => JSON.stringify(path);

/**
 * How a credential field (exactly one `${VAR}`) is treated: both keep their reference text, which
 * their consumers resolve; unset, a destination credential means a dry run, any other is an error.
 */
export type CredentialUse = 'destination' | 'required';

/** A string that is exactly one `${NAME}`: its value may stand for a boolean or a number. */
export const WHOLE_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

export interface ResolvedEnv {
  readonly value: unknown;
  readonly issues: ConfigIssue[];
  /** pathKey → variable name, for each non-credential string that was exactly one set `${NAME}`. */
  readonly wholeRefs: ReadonlyMap<string, string>;
}

/**
 * Resolves `${VAR}` in every string of the parsed YAML except in credential fields. Every unset
 * variable outside destination credentials is an issue at its string.
 */
export function resolveEnv(data: unknown, env: Env, credentials: ReadonlyMap<string, CredentialUse>): ResolvedEnv {
  const issues: ConfigIssue[] = [];
  const wholeRefs = new Map<string, string>();
  // One path, pushed and popped on the way down: copied only for a string with a `$`.
  const path: PathSegment[] = [];
  const resolveString = (value: string): string => {
    const at = [...path];
    const key = pathKey(at);
    const use = credentials.get(key);
    const r = substituteEnv(value, env);
    if (use !== 'destination') {
      for (const name of r.missing) issues.push({ path: at, message: `environment variable "${name}" is not set` });
    }
    const whole = WHOLE_REF.exec(value)?.[1];
    if (use === undefined && whole !== undefined && r.missing.length === 0) wholeRefs.set(key, whole);
    return use === undefined ? r.value : value;
  };
  // A node comes back as it was unless a string under it changed: 10,000 rules hold ~60,000
  // strings and nearly none has a `$`, so nearly nothing is copied.
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return value.includes('$') ? resolveString(value) : value;
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        const v = walk(value[i]);
        path.pop();
        if (v !== value[i]) (out ??= [...value as unknown[]])[i] = v;
      }
      return out ?? value;
    }
    if (typeof value === 'object' && value !== null) {
      let out: Record<string, unknown> | undefined;
      for (const k of Object.keys(value)) {
        const old = (value as Record<string, unknown>)[k];
        path.push(k);
        const v = walk(old);
        path.pop();
        // An own `__proto__` key stays an own key (as Object.fromEntries makes it), not a prototype change.
        if (v !== old) Object.defineProperty((out ??= { ...value }), k, { value: v, enumerable: true, configurable: true, writable: true });
      }
      return out ?? value;
    }
    return value;
  };
  return { value: walk(data), issues, wholeRefs };
}
