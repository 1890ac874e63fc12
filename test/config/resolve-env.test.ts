import { describe, expect, it } from 'vitest';
import { resolveEnv, substituteEnv } from '../../src/config/resolve-env.js';

const env = { HOST: 'example.test', EMPTY: '', PORT: '8080' };

describe('substituteEnv', () => {
  it.each<[string, string, string[]]>([
    ['no references', 'no references', []],
    ['${HOST}:${PORT}', 'example.test:8080', []],
    ['$${HOST} stays', '${HOST} stays', []],
    ['$HOST and {HOST} are not references', '$HOST and {HOST} are not references', []],
    ['${EMPTY}${NOPE}${NOPE}', '${EMPTY}${NOPE}${NOPE}', ['EMPTY', 'NOPE']],
  ])('%s', (text, value, missing) => {
    expect(substituteEnv(text, env)).toEqual({ value, missing });
  });
});

describe('resolveEnv', () => {
  it('resolves nested strings, leaves credential paths as written, and reports unset variables where they are', () => {
    const data = { a: ['${HOST}', 1, { b: '${NOPE}' }, '${PORT}x'], dest: { token: '${TOKEN}' }, auth: { key: '${KEY}' } };
    const uses = new Map([
      ['["dest","token"]', 'destination' as const],
      ['["auth","key"]', 'required' as const],
    ]);
    expect(resolveEnv(data, env, uses)).toEqual({
      value: { a: ['example.test', 1, { b: '${NOPE}' }, '8080x'], dest: { token: '${TOKEN}' }, auth: { key: '${KEY}' } },
      issues: [
        { path: ['a', 2, 'b'], message: 'environment variable "NOPE" is not set' },
        { path: ['auth', 'key'], message: 'environment variable "KEY" is not set' },
      ],
      // Only a set variable that is the whole string may stand for a boolean or number.
      wholeRefs: new Map([['["a",0]', 'HOST']]),
    });
  });
});
