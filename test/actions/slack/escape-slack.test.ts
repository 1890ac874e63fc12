import { describe, expect, it } from 'vitest';
import { escapeSlack } from '../../../src/actions/slack/escape-slack.js';

describe('escapeSlack', () => {
  it.each([
    ['Jane Doe', 'Jane Doe'],
    ['<!channel>', '&lt;!channel&gt;'],
    ['<!here|here>', '&lt;!here|here&gt;'],
    ['<@U012AB3CD>', '&lt;@U012AB3CD&gt;'],
    ['<https://evil.example|click me>', '&lt;https://evil.example|click me&gt;'],
    ['Tom & Jerry', 'Tom &amp; Jerry'],
    // Already-escaped input is escaped again: it is text, not markup.
    ['&lt;b&gt;', '&amp;lt;b&amp;gt;'],
    ['*bold* _it_ @here', '*bold* _it_ @here'],
  ])('%j → %j', (input, expected) => {
    expect(escapeSlack(input)).toBe(expected);
  });
});
