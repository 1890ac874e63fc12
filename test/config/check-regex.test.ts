import { describe, expect, it } from 'vitest';
import { checkRegex } from '../../src/config/check-regex.js';

const catastrophic = (p: string) => `regex "${p}" may backtrack catastrophically; rewrite it without nested quantifiers`;

describe('checkRegex', () => {
  it.each<[string, string, string | undefined]>([
    ['^ceo@', '', undefined],
    ['@(example|acme)\\.com$', 'i', undefined],
    // Quadratic at worst: bounded on event-sized strings, so allowed.
    ['\\s*$', '', undefined],
    // Nothing after the loop can fail, so it cannot backtrack.
    ['(a*)*', '', undefined],
    ['(', '', 'invalid regex "(": unterminated group'],
    ['a{2,1}', '', 'invalid regex "a{2,1}": numbers out of order in {} quantifier'],
    ['(a+)+$', '', catastrophic('(a+)+$')],
    ['(a|a)*$', '', catastrophic('(a|a)*$')],
    ['(.*)*x', '', catastrophic('(.*)*x')],
    ['^(\\w+\\s?)+$', '', catastrophic('^(\\w+\\s?)+$')],
    // The alternatives overlap only when case is ignored.
    ['^(a|A)*$', '', undefined],
    ['^(a|A)*$', 'i', catastrophic('^(a|A)*$')],
  ])('%s /%s', (pattern, flags, expected) => {
    expect(checkRegex(pattern, flags)).toBe(expected);
  });
});
