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

interface Frame {
  readonly value: object;
  /** `{}` at the root is depth 1. */
  readonly depth: number;
  readonly path: PathNode | undefined;
}

/**
 * One iterative walk (a recursive one overflows the stack around 100,000 levels, which JSON.parse
 * accepts; reliability.md §6) for both checks: `too_deep` when a container nests deeper than
 * `maxDepth`, whatever else; otherwise the path of the first forbidden own key. A path node is made
 * per container, not per key: this runs on every delivery.
 */
function checkTree(value: unknown, maxDepth: number): 'too_deep' | { forbidden: string } | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const stack: Frame[] = [{ value, depth: 1, path: undefined }];
  let forbidden: string | undefined;
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    if (frame.depth > maxDepth) return 'too_deep';
    const v = frame.value;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const child: unknown = v[i];
        if (child !== null && typeof child === 'object') stack.push({ value: child, depth: frame.depth + 1, path: { key: String(i), parent: frame.path } });
      }
      continue;
    }
    for (const key of Object.keys(v)) {
      if (forbidden === undefined && FORBIDDEN_KEYS.has(key)) forbidden = render({ key, parent: frame.path });
      const child: unknown = (v as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: frame.depth + 1, path: { key, parent: frame.path } });
    }
  }
  return forbidden === undefined ? undefined : { forbidden };
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
  const problem = checkTree(value, maxDepth);
  if (problem === 'too_deep') return { ok: false, code: 'too_deep', message: `body nests deeper than ${maxDepth} levels` };
  if (problem !== undefined) return { ok: false, code: 'forbidden_key', message: `key not allowed: ${problem.forbidden} (__proto__, constructor and prototype keys are refused)` };
  return { ok: true, value };
}
