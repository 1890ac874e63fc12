import { describe, expect, it } from 'vitest';
import { discordUrl, escapeDiscord } from '../../../src/actions/discord/escape-discord.js';

describe('escapeDiscord', () => {
  it.each([
    ['Jane Doe', 'Jane Doe'],
    ['@everyone', '@\u200beveryone'],
    ['hi @here and @Everyone', 'hi @\u200bhere and @\u200bEveryone'],
    ['jane@example.com', 'jane@example.com'],
    ['[click](https://evil.example)', '\\[click\\]\\(https://evil.example\\)'],
    ['<@123456789012345678>', '\\<@123456789012345678>'],
    ['<#123> <@&456> <t:1700000000:R> </cmd:1>', '\\<#123> \\<@&456> \\<t:1700000000:R> \\</cmd:1>'],
    ['**bold** __u__ ~~s~~ `code` ||spoiler||', '\\*\\*bold\\*\\* \\_\\_u\\_\\_ \\~\\~s\\~\\~ \\`code\\` \\|\\|spoiler\\|\\|'],
    ['back\\slash', 'back\\\\slash'],
    ['> quoted\n>>> block\na > b', '\\> quoted\n\\>>> block\na > b'],
    ['# Header\n  ## Sub\n-# small\n- item', '\\# Header\n  \\## Sub\n\\-# small\n- item'],
  ])('%j → %j', (input, expected) => {
    expect(escapeDiscord(input)).toBe(expected);
  });
});

describe('discordUrl', () => {
  it.each([
    ['https://example.com/a\\_b\\(c\\)', 'https://example.com/a_b(c)'],
    ['http://x.example/p?q=1', 'http://x.example/p?q=1'],
    ['javascript:alert(1)', undefined],
    ['not a url', undefined],
    ['', undefined],
  ])('%s → %s', (rendered, expected) => {
    expect(discordUrl(rendered)).toBe(expected);
  });

  it('round-trips an escaped avatar URL', () => {
    const url = 'https://cdn.example/u_1/avatar*.png';
    expect(discordUrl(escapeDiscord(url))).toBe(url);
  });
});
