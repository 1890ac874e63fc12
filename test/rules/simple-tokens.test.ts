import fc from 'fast-check';
import Mustache from 'mustache';
import { describe, expect, it } from 'vitest';
import { simpleTokens } from '../../src/rules/simple-tokens.js';

/** Mustache's own parse, without its cache (a cached result would hide nothing, but stay honest). */
const mustache = (template: string): unknown => new Mustache.Writer().parse(template);

describe('simpleTokens', () => {
  it.each([
    ['', []],
    ['plain text', [['text', 'plain text', 0, 10]]],
    ['{{ user.name }}', [['name', 'user.name', 0, 15]]],
    ['VIP {{user.name}} in {{ server.name }}!', [['text', 'VIP ', 0, 4], ['name', 'user.name', 4, 17], ['text', ' in ', 17, 21], ['name', 'server.name', 21, 38], ['text', '!', 38, 39]]],
    ['{{.}}', [['name', '.', 0, 5]]],
    ['a }} b {{x}}}', [['text', 'a }} b ', 0, 7], ['name', 'x', 7, 12], ['text', '}', 12, 13]]],
    ['  {{x}}\n', [['text', '  ', 0, 2], ['name', 'x', 2, 7], ['text', '\n', 7, 8]]],
  ])('%j is tokenised as Mustache does', (template, expected) => {
    expect(simpleTokens(template)).toEqual(expected);
    expect(simpleTokens(template)).toEqual(mustache(template));
  });

  it.each(['{{#user}}x{{/user}}', '{{^a}}b{{/a}}', '{{{raw}}}', '{{& raw}}', '{{! note }}', '{{> part}}', '{{=<% %>=}}', '{{ unclosed', '{{}}', '{{ a b }}', '{{\nname}}', '{{a}'])(
    '%j is left to Mustache',
    (template) => {
      expect(simpleTokens(template)).toBeUndefined();
    },
  );

  it('agrees with Mustache.parse whenever it answers (random templates)', () => {
    const template = fc.string({ unit: fc.constantFrom('{', '}', ' ', '\t', '\n', 'a', 'B', '1', '.', '-', '_', '#', '&', '^', '/', '!', '=', '>', '<', '%'), maxLength: 40 });
    fc.assert(
      fc.property(template, (t) => {
        const fast = simpleTokens(t);
        if (fast !== undefined) expect(fast).toEqual(mustache(t));
      }),
      { numRuns: 5000 },
    );
  });

  it('answers for every template of text and name tags, as Mustache does', () => {
    const text = fc.string({ unit: fc.constantFrom(' ', '\n', 'a', '}', ':', '(', ')', '@'), maxLength: 8 });
    const name = fc.stringMatching(/^[a-z_][a-z0-9_.-]{0,12}$/);
    const pad = fc.constantFrom('', ' ', '  ', '\t');
    const template = fc
      .array(fc.tuple(text, pad, name, pad), { maxLength: 5 })
      .chain((parts) => text.map((tail) => `${parts.map(([t, a, n, b]) => `${t}{{${a}${n}${b}}}`).join('')}${tail}`));
    fc.assert(
      fc.property(template, (t) => {
        expect(simpleTokens(t)).toEqual(mustache(t));
      }),
      { numRuns: 2000 },
    );
  });
});
