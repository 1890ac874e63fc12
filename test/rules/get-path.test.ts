import { describe, expect, it } from 'vitest';
import { getPath, MAX_PATH_SEGMENTS } from '../../src/rules/get-path.js';

const obj = {
  user: { email: 'a@b.c', nothing: null, tags: ['x', 'y'] },
  items: [{ name: 'first' }, { name: 'second' }],
  '': { empty: 1 },
};
const hostile = JSON.parse('{"__proto__":{"x":1},"constructor":{"name":"own"},"prototype":{"p":1},"user":{"__proto__":{"admin":true}}}') as unknown;

function deep(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { k: value };
  return value;
}
const keys = (depth: number) => Array.from({ length: depth }, () => 'k').join('.');

describe('getPath', () => {
  it.each([
    ['user.email', 'a@b.c'],
    ['user.nothing', null],
    ['user.tags', ['x', 'y']],
    ['user.tags.1', 'y'],
    ['items.0.name', 'first'],
    ['items.1.name', 'second'],
    ['items.2.name', undefined],
    ['items.01.name', undefined],
    ['items.-1', undefined],
    ['items.length', undefined],
    ['user.tags.length', undefined],
    ['user.email.length', undefined],
    ['user.email.0', undefined],
    ['user.missing', undefined],
    ['user.missing.deeper', undefined],
    ['user.nothing.deeper', undefined],
    ['constructor', undefined],
    ['constructor.name', undefined],
    ['user.constructor.name', undefined],
    ['__proto__', undefined],
    ['user.__proto__', undefined],
    ['toString', undefined],
    ['user.hasOwnProperty', undefined],
    ['.empty', 1],
  ])('resolves %s to %j', (path, expected) => {
    expect(getPath(obj, path)).toEqual(expected);
  });

  it.each(['__proto__', '__proto__.x', 'constructor', 'constructor.name', 'prototype.p', 'user.__proto__.admin', 'x', 'admin'])(
    'never resolves %s, even when JSON.parse made it an own key',
    (path) => {
      expect(getPath(hostile, path)).toBeUndefined();
    },
  );

  it('accepts pre-split segments', () => {
    expect(getPath(obj, ['items', '0', 'name'])).toBe('first');
    expect(getPath(obj, ['constructor'])).toBeUndefined();
  });

  it('returns the root for no segments and undefined under a primitive root', () => {
    expect(getPath(obj, [])).toBe(obj);
    expect(getPath('text', 'length')).toBeUndefined();
    expect(getPath(null, 'a')).toBeUndefined();
  });

  it(`resolves ${MAX_PATH_SEGMENTS} segments and refuses more`, () => {
    expect(getPath(deep(MAX_PATH_SEGMENTS), keys(MAX_PATH_SEGMENTS))).toBe('bottom');
    expect(getPath(deep(MAX_PATH_SEGMENTS + 1), keys(MAX_PATH_SEGMENTS + 1))).toBeUndefined();
    expect(getPath(deep(MAX_PATH_SEGMENTS + 1), Array.from({ length: MAX_PATH_SEGMENTS + 1 }, () => 'k'))).toBeUndefined();
  });
});
