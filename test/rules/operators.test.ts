import { describe, expect, it } from 'vitest';
import { OPERATOR_BUILDERS, type OperatorContext } from '../../src/rules/operators.js';

const ctx = (ignoreCase = false): OperatorContext => ({ ignoreCase, listSet: () => new Set() });
const fields = (n: number, sep = ','): string => Array.from({ length: n }, () => 'x').join(sep);

describe('matches', () => {
  // Patterns from issue 9 that a backtracking engine (JavaScript's RegExp) never finishes on these
  // short values: the process froze. On RE2 each is one linear scan; a regression hangs this test.
  it.each<[string, string, boolean]>([
    ['^(.*?,){11}P', fields(40), false], // 79 characters
    ['a*a*a*a*a*a*a*a*b', 'a'.repeat(200), false],
    ['(.*,){12}X', fields(40), false],
    ['(.*a){20}', `${'a'.repeat(19)}${'x'.repeat(200)}`, false],
    ['(.*a){20}', 'a'.repeat(20), true],
    ['^(\\w+\\s?)+$', `${'word '.repeat(30)}!`, false],
  ])('%s completes on a hostile value', (pattern, value, expected) => {
    expect(OPERATOR_BUILDERS.matches(pattern, ctx()).check(value, 0)).toBe(expected);
  });

  it.each<[string, boolean, string, boolean]>([
    ['^jane@', false, 'Jane@example.com', false],
    ['^jane@', true, 'Jane@example.com', true],
    ['^JANÉ$', true, 'jané', true],
    ['@(example|acme)\\.com$', true, 'x@ACME.com', true],
  ])('%s (ignore case %s) on %s', (pattern, ignoreCase, value, expected) => {
    expect(OPERATOR_BUILDERS.matches(pattern, ctx(ignoreCase)).check(value, 0)).toBe(expected);
  });

  it('throws on syntax RE2 does not have (the loader refuses it first, with its location)', () => {
    expect(() => OPERATOR_BUILDERS.matches('(?=a)', ctx())).toThrow('invalid or unsupported Perl syntax: `(?=`');
  });
});
