import type { z } from 'zod';
import type { PathSegment } from './config-error.js';
import { pathKey } from './resolve-env.js';

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: readonly z.ZodType[];
  getter?: () => z.ZodType;
  in?: z.ZodType;
};

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

const credentialCache = new WeakMap<z.ZodType, boolean>();
const lazyCache = new WeakMap<z.ZodType, z.ZodType>();

/**
 * The schema a `z.lazy` stands for. The getter builds a fresh schema on every call (the condition
 * schema is recursive), and a fresh schema misses every cache here: at 10,000 rules that was half
 * the load time. One per lazy schema, as zod itself keeps it.
 */
function lazyInner(schema: z.ZodType, getter: () => z.ZodType): z.ZodType {
  let inner = lazyCache.get(schema);
  if (inner === undefined) {
    inner = getter();
    lazyCache.set(schema, inner);
  }
  return inner;
}

/**
 * A credential field is a string schema that takes exactly one `${VAR}` and nothing else
 * (env-ref.ts `credential()`); asking the schema keeps this true for any field added later.
 */
function isCredentialSchema(schema: z.ZodType): boolean {
  let known = credentialCache.get(schema);
  if (known === undefined) {
    known = schema.safeParse('${A_VAR}').success && !schema.safeParse('a-literal').success && !schema.safeParse('x${A_VAR}').success;
    credentialCache.set(schema, known);
  }
  return known;
}

/** Paths of the strings in `data` that sit in a credential field of `schema`. */
export function credentialPaths(schema: z.ZodType, data: unknown): PathSegment[][] {
  const out = new Map<string, PathSegment[]>();
  const walk = (s: z.ZodType, value: unknown, path: PathSegment[]): void => {
    const def = defOf(s);
    switch (def.type) {
      case 'string':
        if (typeof value === 'string' && isCredentialSchema(s)) out.set(pathKey(path), path);
        return;
      case 'optional': case 'nullable': case 'default': case 'prefault': case 'nonoptional': case 'readonly': case 'catch':
        if (def.innerType) walk(def.innerType, value, path);
        return;
      case 'lazy':
        if (def.getter) walk(lazyInner(s, def.getter), value, path);
        return;
      case 'pipe':
        if (def.in) walk(def.in, value, path);
        return;
      case 'union':
        for (const option of def.options ?? []) walk(option, value, path);
        return;
      case 'object':
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
          for (const [k, v] of Object.entries(value)) {
            const field = Object.hasOwn(def.shape ?? {}, k) ? def.shape?.[k] : undefined;
            if (field) walk(field, v, [...path, k]);
          }
        }
        return;
      case 'record':
        if (typeof value === 'object' && value !== null && !Array.isArray(value) && def.valueType) {
          for (const [k, v] of Object.entries(value)) walk(def.valueType, v, [...path, k]);
        }
        return;
      case 'array':
        if (Array.isArray(value) && def.element) value.forEach((v, i) => def.element && walk(def.element, v, [...path, i]));
        return;
      default:
        return;
    }
  };
  walk(schema, data, []);
  return [...out.values()];
}
