import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { safeJsonParse } from '../../src/receive/safe-json-parse.js';

const b = (s: string | number[]) => (typeof s === 'string' ? Buffer.from(s) : Buffer.from(s));

describe('safeJsonParse', () => {
  it.each([
    ['an empty body', b(''), 'malformed_json', 'body is empty'],
    ['invalid UTF-8', b([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), 'malformed_json', 'body is not valid UTF-8'],
    ['an overlong UTF-8 encoding', b([0x22, 0xc0, 0xaf, 0x22]), 'malformed_json', 'body is not valid UTF-8'],
    ['a lone surrogate encoded as UTF-8', b([0x22, 0xed, 0xa0, 0x80, 0x22]), 'malformed_json', 'body is not valid UTF-8'],
    ['truncated JSON', b('{"a": [1, 2'), 'malformed_json', 'body is not valid JSON'],
    ['single quotes', b("{'a': 1}"), 'malformed_json', 'body is not valid JSON'],
    ['33 nested arrays', b('['.repeat(33) + ']'.repeat(33)), 'too_deep', 'body nests deeper than 32 levels'],
    ['__proto__ at the root', b('{"__proto__": {"polluted": true}}'), 'forbidden_key', 'key not allowed: __proto__ (__proto__, constructor and prototype keys are refused)'],
    ['constructor deep inside', b('{"user": {"tags": [{"constructor": {"prototype": {}}}]}}'), 'forbidden_key', 'key not allowed: user.tags.0.constructor (__proto__, constructor and prototype keys are refused)'],
    ['prototype with a very long parent key', b(`{"${'k'.repeat(100)}": {"prototype": 1}}`), 'forbidden_key', `key not allowed: ${'k'.repeat(40)}….prototype (__proto__, constructor and prototype keys are refused)`],
  ])('refuses %s', (_name, bytes, code, message) => {
    expect(safeJsonParse(bytes, 32)).toEqual({ ok: false, code, message });
  });

  it.each([
    ['an object', '{"a": 1}', { a: 1 }],
    ['a UTF-8 BOM', '\uFEFF{"a": 1}', { a: 1 }],
    ['forbidden words as values', '{"text": "__proto__ constructor prototype"}', { text: '__proto__ constructor prototype' }],
    ['a key that only contains a forbidden word', '{"__proto__x": 1, "my_constructor": 2}', { __proto__x: 1, my_constructor: 2 }],
    ['exactly 32 levels', '['.repeat(32) + ']'.repeat(32), JSON.parse('['.repeat(32) + ']'.repeat(32))],
    ['a scalar', '42', 42],
  ])('accepts %s', (_name, text, value) => {
    expect(safeJsonParse(b(text), 32)).toEqual({ ok: true, value });
  });
});

/** The two walks this replaced, one check each, kept as the oracle for the one-walk version. */
function reference(value: unknown, max: number): string | undefined {
  const deep: [unknown, number][] = [[value, 1]];
  for (let item = deep.pop(); item !== undefined; item = deep.pop()) {
    const [v, depth] = item;
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) return 'too_deep';
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') deep.push([child, depth + 1]);
  }
  const stack: [unknown, string[]][] = [[value, []]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [v, path] = item;
    if (v === null || typeof v !== 'object') continue;
    const entries: [string, unknown][] = Array.isArray(v) ? v.map((c, i) => [String(i), c]) : Object.entries(v);
    for (const [key, child] of entries) {
      if (!Array.isArray(v) && ['__proto__', 'constructor', 'prototype'].includes(key)) return [...path, key].map((k) => (k.length > 40 ? `${k.slice(0, 40)}…` : k)).join('.');
      if (child !== null && typeof child === 'object') stack.push([child, [...path, key]]);
    }
  }
  return undefined;
}

const outcome = (text: string, max: number): string | undefined => {
  const r = safeJsonParse(b(text), max);
  if (r.ok) return undefined;
  return r.code === 'too_deep' ? 'too_deep' : /^key not allowed: (.*) \(__proto__/.exec(r.message)?.[1];
};

describe('safeJsonParse depth', () => {
  it('walks 100,000 levels without overflowing the stack', () => {
    const text = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    expect(outcome(text, 32)).toBe('too_deep');
    expect(outcome(text, 100_000)).toBeUndefined();
  });

  it.each([
    [1, 0, undefined],
    [{}, 1, undefined],
    [{}, 0, 'too_deep'],
    [{ a: [{}] }, 3, undefined],
    [{ a: [{}] }, 2, 'too_deep'],
    [[1, [2, [3]]], 3, undefined],
  ])('%j at max %i → %s', (value, max, expected) => {
    expect(outcome(JSON.stringify(value), max)).toBe(expected);
  });

  it('decides as the two separate walks did: too deep first, then the first forbidden key in the same order', () => {
    const key = fc.oneof(fc.constantFrom('PROTO', 'constructor', 'prototype', 'a', 'b'), fc.string({ maxLength: 3 }));
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(key, tie('node'), { maxKeys: 3 })),
    })).node;
    fc.assert(
      fc.property(tree, fc.integer({ min: 0, max: 6 }), (value, max) => {
        // Written in as text: assigning a __proto__ key would set the prototype instead.
        const text = JSON.stringify(value).replaceAll('"PROTO"', '"__proto__"');
        expect(outcome(text, max)).toBe(reference(JSON.parse(text), max));
      }),
      { numRuns: 500 },
    );
  });
});
