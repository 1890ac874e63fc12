import { describe, expect, it } from 'vitest';
import { exceedsDepth } from '../../src/receive/check-depth.js';
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

describe('exceedsDepth', () => {
  it('walks 100,000 levels without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(exceedsDepth(deep, 32)).toBe(true);
    expect(exceedsDepth(deep, 100_000)).toBe(false);
  });

  it.each([
    [1, 0, false],
    [{}, 1, false],
    [{}, 0, true],
    [{ a: [{}] }, 3, false],
    [{ a: [{}] }, 2, true],
    [[1, [2, [3]]], 3, false],
  ])('%j at max %i → %s', (value, max, expected) => {
    expect(exceedsDepth(value, max)).toBe(expected);
  });
});
