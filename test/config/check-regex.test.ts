import { describe, expect, it } from 'vitest';
import { checkRegex } from '../../src/config/check-regex.js';

const unsupported = (construct: string) => `${construct} is not supported: patterns run on a linear-time engine (RE2 syntax) so no event can stall the bridge`;

describe('checkRegex', () => {
  it.each<[string, string | undefined]>([
    ['^ceo@', undefined],
    ['@(example|acme)\\.com$', undefined],
    ['(?i)^jane', undefined],
    ['(?<domain>\\w+)\\.com', undefined],
    ['\\p{Lu}\\x{e9}[[:alpha:]]', undefined],
    // Backtracking blow-ups in JavaScript; linear on RE2, so nothing to refuse.
    ['(a+)+$', undefined],
    ['^(.*?,){11}P', undefined],
    ['a*a*a*a*a*a*a*a*b', undefined],
    ['(?=a)b', unsupported('look-ahead (?=…)')],
    ['^(?!test@)', unsupported('negative look-ahead (?!…)')],
    ['(?<=@)acme', unsupported('look-behind (?<=…)')],
    ['(?<!no)reply', unsupported('negative look-behind (?<!…)')],
    ['(?>a|ab)c', unsupported('atomic group (?>…)')],
    ['(\\w)\\1', unsupported('back-reference \\1')],
    ['(?<q>[\'"]).*\\k<q>', unsupported('back-reference \\k<…>')],
    ['a++', unsupported('possessive quantifier ++')],
    ['\\d{2}+', unsupported('possessive quantifier {2}+')],
    ['\\u00e9', 'escape \\u is JavaScript syntax: RE2 writes a code point as \\x{hhhh}'],
    ['\\cA', 'escape \\c is JavaScript syntax: RE2 writes a control character as \\x{hh}'],
    ['(', 'invalid regex "(": missing closing )'],
    ['x)', 'invalid regex "x)": unexpected )'],
    ['a{2,1}', 'invalid regex "a{2,1}": invalid repeat count at `{2,1}`'],
    ['a{1001}', 'invalid regex "a{1001}": invalid repeat count at `{1001}`'],
    ['a**', 'invalid regex "a**": invalid nested repetition operator at `**`'],
    ['^\\Z', 'invalid regex "^\\Z": invalid escape sequence at `\\Z`'],
  ])('%s', (pattern, expected) => {
    expect(checkRegex(pattern)).toBe(expected);
  });
});
