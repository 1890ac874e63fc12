import type * as z from 'zod';
import { isCredential } from '../env-ref.js';
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

const lazyCache = new WeakMap<z.ZodType, z.ZodType>();

/**
 * The schema a `z.lazy` stands for. The getter builds a fresh schema on every call (the condition
 * schema is recursive), and a fresh schema would be a new node every time: one per lazy schema, as
 * zod itself keeps it.
 */
function lazyInner(schema: z.ZodType, getter: () => z.ZodType): z.ZodType {
  let inner = lazyCache.get(schema);
  if (inner === undefined) {
    inner = getter();
    lazyCache.set(schema, inner);
  }
  return inner;
}

/** The schemas the walk below descends into from `schema` (the same cases, in the same way). */
function childrenOf(schema: z.ZodType): z.ZodType[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional': case 'nullable': case 'default': case 'prefault': case 'nonoptional': case 'readonly': case 'catch':
      return def.innerType ? [def.innerType] : [];
    case 'lazy':
      return def.getter ? [lazyInner(schema, def.getter)] : [];
    case 'pipe':
      return def.in ? [def.in] : [];
    case 'union':
      return [...(def.options ?? [])];
    case 'object':
      return Object.values(def.shape ?? {});
    case 'record':
      return def.valueType ? [def.valueType] : [];
    case 'array':
      return def.element ? [def.element] : [];
    default:
      return [];
  }
}

const holdsCache = new WeakMap<z.ZodType, ReadonlySet<z.ZodType>>();

/**
 * The schemas under `root` (itself included) with a credential field somewhere below them: the
 * walk skips every other subtree (at 10,000 rules, the conditions and templates, nearly all of the
 * file). The schema graph has cycles (the recursive condition schema), so this is a fixed point:
 * start from the credential fields and add every schema with a child already in, until none is added.
 */
function credentialHolders(root: z.ZodType): ReadonlySet<z.ZodType> {
  const cached = holdsCache.get(root);
  if (cached) return cached;
  const children = new Map<z.ZodType, z.ZodType[]>();
  const pending = [root];
  for (let s = pending.pop(); s !== undefined; s = pending.pop()) {
    if (children.has(s)) continue;
    const kids = childrenOf(s);
    children.set(s, kids);
    pending.push(...kids);
  }
  const holders = new Set([...children.keys()].filter(isCredential));
  for (let added = true; added; ) {
    added = false;
    for (const [s, kids] of children) {
      if (!holders.has(s) && kids.some((k) => holders.has(k))) {
        holders.add(s);
        added = true;
      }
    }
  }
  holdsCache.set(root, holders);
  return holders;
}

/** Paths of the strings in `data` that sit in a credential field of `schema` (env-ref.ts `credential()`). */
export function credentialPaths(schema: z.ZodType, data: unknown): PathSegment[][] {
  const holders = credentialHolders(schema);
  const out = new Map<string, PathSegment[]>();
  const walk = (s: z.ZodType, value: unknown, path: PathSegment[]): void => {
    if (!holders.has(s)) return;
    const def = defOf(s);
    switch (def.type) {
      case 'string':
        if (typeof value === 'string' && isCredential(s)) out.set(pathKey(path), path);
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
        // Wrappers, lazy, pipe and union: the same value, in each schema it may be read by.
        for (const child of childrenOf(s)) walk(child, value, path);
    }
  };
  walk(schema, data, []);
  return [...out.values()];
}
