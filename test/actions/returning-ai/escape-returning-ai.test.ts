import { describe, expect, it } from 'vitest';
import { escapeReturningAi } from '../../../src/actions/returning-ai/escape-returning-ai.js';

const Z = '\u200b';

describe('escapeReturningAi', () => {
  it.each([
    ['plain text stays as typed', 'Jane Doe', 'Jane Doe'],
    ['an HTML link cannot form', '<a href="https://evil.example">click</a>', '＜a href="https://evil.example"＞click＜/a＞'],
    ['an image tag cannot form', '<img src=x onerror=alert(1)>', '＜img src=x onerror=alert(1)＞'],
    ['a Markdown link cannot form', '[free gift](https://evil.example)', `[free gift]${Z}(https://evil.example)`],
    ['a Markdown image cannot form', '![x](https://evil.example/p.png)', `![x]${Z}(https://evil.example/p.png)`],
    ['a reference definition cannot form', '[x]: https://evil.example', `[x]${Z}: https://evil.example`],
    ['@everyone and @here cannot ping', '@everyone @here', `@${Z}everyone @${Z}here`],
    ['a user mention cannot ping', 'hi @admin', `hi @${Z}admin`],
    ['a <@id> token cannot form', '<@66f0>', `＜@${Z}66f0＞`],
    ['an autolink cannot form', '<https://evil.example>', '＜https://evil.example＞'],
    ['an email keeps its look', 'jane@example.com', `jane@${Z}example.com`],
    ['a bare URL stays a URL', 'https://example.com/a_b', 'https://example.com/a_b'],
    ['entities are text', '&lt;script&gt;', '&lt;script&gt;'],
  ])('%s', (_, input, expected) => {
    expect(escapeReturningAi(input)).toBe(expected);
  });
});
