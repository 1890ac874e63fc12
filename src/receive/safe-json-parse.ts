import { exceedsDepth } from './check-depth.js';

/**
 * Keys refused anywhere in a body. JSON.parse itself only creates an own `__proto__` property, but
 * the first Object.assign or naive deep merge of that object sets a prototype (reliability.md §6).
 * They are rejected rather than dropped, as fastify's parser does by default: no genuine
 * Returning.AI payload has them, and silently editing a signed body would hide an attack.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export type SafeJsonResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly code: 'malformed_json' | 'too_deep' | 'forbidden_key'; readonly message: string };

interface PathNode {
  readonly key: string;
  readonly parent: PathNode | undefined;
}

const MAX_KEY_SHOWN = 40;

function render(node: PathNode | undefined): string {
  const keys: string[] = [];
  for (let n = node; n; n = n.parent) keys.unshift(n.key.length > MAX_KEY_SHOWN ? `${n.key.slice(0, MAX_KEY_SHOWN)}…` : n.key);
  return keys.join('.');
}

/** Path of the first forbidden own key, iteratively (depth is already bounded). */
function findForbiddenKey(value: unknown): string | undefined {
  const stack: [unknown, PathNode | undefined][] = [[value, undefined]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [v, path] = item;
    if (v === null || typeof v !== 'object') continue;
    const entries: [string, unknown][] = Array.isArray(v) ? v.map((c, i) => [String(i), c]) : Object.entries(v);
    for (const [key, child] of entries) {
      const node = { key, parent: path };
      if (!Array.isArray(v) && FORBIDDEN_KEYS.has(key)) return render(node);
      if (child !== null && typeof child === 'object') stack.push([child, node]);
    }
  }
  return undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes (strict UTF-8), parses, and checks depth and prototype keys, in that order. */
export function safeJsonParse(bytes: Uint8Array, maxDepth: number): SafeJsonResult {
  if (bytes.length === 0) return { ok: false, code: 'malformed_json', message: 'body is empty' };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, code: 'malformed_json', message: 'body is not valid UTF-8' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // V8's message quotes the body; the client already has it, the log does not need it.
    return { ok: false, code: 'malformed_json', message: 'body is not valid JSON' };
  }
  if (exceedsDepth(value, maxDepth)) return { ok: false, code: 'too_deep', message: `body nests deeper than ${maxDepth} levels` };
  const forbidden = findForbiddenKey(value);
  if (forbidden !== undefined) return { ok: false, code: 'forbidden_key', message: `key not allowed: ${forbidden} (__proto__, constructor and prototype keys are refused)` };
  return { ok: true, value };
}
