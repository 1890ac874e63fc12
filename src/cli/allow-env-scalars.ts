import { WHOLE_REF } from '../config/resolve-env.js';

type Node = Record<string, unknown>;

const SCALAR_TYPES = new Set(['boolean', 'number', 'integer']);
// Kept on the outer node so editors still show them on hover.
const ANNOTATIONS = ['description', 'default', 'title'];

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The loader accepts a whole `${VAR}` where a boolean or number is expected (coerce-env-scalars),
 * so the JSON Schema must too, or editors flag `enabled: ${RULE_ON}`. Each boolean/number node
 * becomes `anyOf: [itself, a "${NAME}" string]`. Unions that already take any string are left alone.
 */
export function allowEnvScalars(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(allowEnvScalars);
  if (!isNode(schema)) return schema;
  const takesStrings = Array.isArray(schema.anyOf) && schema.anyOf.some((b) => isNode(b) && b.type === 'string' && Object.keys(b).length === 1);
  const out: Node = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] = key === 'anyOf' && takesStrings ? value : allowEnvScalars(value);
  }
  if (typeof out.type !== 'string' || !SCALAR_TYPES.has(out.type)) return out;
  const outer: Node = {};
  const inner: Node = {};
  for (const [key, value] of Object.entries(out)) (ANNOTATIONS.includes(key) ? outer : inner)[key] = value;
  outer.anyOf = [inner, { type: 'string', pattern: WHOLE_REF.source, description: 'an environment variable reference, ${NAME}' }];
  return outer;
}
