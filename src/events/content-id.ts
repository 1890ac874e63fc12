import { createHash } from 'node:crypto';
import type { Json } from './event.js';

/** Key order and whitespace do not change the id: a redelivery of the same payload gets the same one. */
function canonical(value: Json): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k] as Json)}`).join(',')}}`;
}

/** Content id of a payload: `c_` + 32 hex chars of SHA-256 over its canonical JSON. */
export function contentId(payload: Json): string {
  return `c_${createHash('sha256').update(canonical(payload)).digest('hex').slice(0, 32)}`;
}
