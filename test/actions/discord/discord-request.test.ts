import { describe, expect, it } from 'vitest';
import { discordKind } from '../../../src/actions/discord/discord-kind.js';
import type { DiscordDestination, DiscordParams } from '../../../src/actions/discord/discord-config.js';
import type { DiscordRequest } from '../../../src/actions/discord/discord-request.js';
import { DISCORD_LIMITS, fitEmbeds, truncate } from '../../../src/actions/discord/discord-limits.js';
import { renderWith } from '../send-context.js';

const webhook: DiscordDestination = { kind: 'discord', webhook_url: '${DISCORD_WEBHOOK_URL}', username: 'Bridge' };
const bot: DiscordDestination = { kind: 'discord', bot_token: '${DISCORD_BOT_TOKEN}', channel_id: '111' };
const render = renderWith(discordKind.escape, { name: '@everyone [Free Nitro](https://evil.example) <@1>', long: 'x'.repeat(5000) });

describe('discordKind.buildRequest', () => {
  it('escapes event values and allows no mentions by default', () => {
    const params: DiscordParams = { destination: 'd', content: 'Welcome {{ name }}!' };
    expect(discordKind.buildRequest(webhook, params, render)).toEqual({
      content: 'Welcome @\u200beveryone \\[Free Nitro\\]\\(https://evil.example\\) \\<@1>!',
      username: 'Bridge',
      allowed_mentions: { parse: [] },
    });
  });

  it.each<[string, DiscordParams['mention'], object]>([
    ['nothing', undefined, { parse: [] }],
    ['everyone', { everyone: true }, { parse: ['everyone'] }],
    ['explicit users and roles', { users: ['42'], roles: ['7'], everyone: false }, { parse: [], users: ['42'], roles: ['7'] }],
    ['empty lists', { users: [], roles: [] }, { parse: [] }],
  ])('allowed_mentions for %s', (_name, mention, expected) => {
    const request = discordKind.buildRequest(webhook, { destination: 'd', content: '@everyone <@42>', ...(mention && { mention }) }, render);
    expect(request.allowed_mentions).toEqual(expected);
  });

  it('renders every embed string and keeps color', () => {
    const params: DiscordParams = {
      destination: 'd',
      embeds: [{ title: 'Join: {{ name }}', color: 0x57f287, url: 'https://example.com/u', footer: { text: 'f {{ name }}' }, fields: [{ name: 'Who', value: '{{ name }}', inline: true }] }],
    };
    const escaped = '@\u200beveryone \\[Free Nitro\\]\\(https://evil.example\\) \\<@1>';
    expect(discordKind.buildRequest(webhook, params, render)).toEqual({
      embeds: [{ title: `Join: ${escaped}`, color: 0x57f287, url: 'https://example.com/u', footer: { text: `f ${escaped}` }, fields: [{ name: 'Who', value: escaped, inline: true }] }],
      username: 'Bridge',
      allowed_mentions: { parse: [] },
    });
  });

  it('truncates content to 2000 characters with an ellipsis', () => {
    const request = discordKind.buildRequest(webhook, { destination: 'd', content: '{{ long }}' }, render);
    expect(request.content).toBe('x'.repeat(1999) + '…');
  });

  it('omits content that renders empty', () => {
    const request = discordKind.buildRequest(webhook, { destination: 'd', content: '{{ missing }}', embeds: [{ title: 't' }] }, render);
    expect(request).not.toHaveProperty('content');
  });

  it('posts to the channel in bot mode, without a username', () => {
    expect(discordKind.buildRequest(bot, { destination: 'd', content: 'hi', username: 'x' }, render)).toEqual({ content: 'hi', channel_id: '111', allowed_mentions: { parse: [] } });
    expect(discordKind.buildRequest(bot, { destination: 'd', content: 'hi', channel_id: '222' }, render).channel_id).toBe('222');
  });

  it('throws when a bot destination has no channel', () => {
    expect(() => discordKind.buildRequest({ kind: 'discord', bot_token: '${T}' }, { destination: 'd', content: 'hi' }, render)).toThrow(
      'a discord action on a bot destination needs a channel: set `channel_id` on the action or on its destination',
    );
  });
});

describe('Discord limits', () => {
  it('truncates each embed field to its own limit', () => {
    const [embed] = fitEmbeds([{ title: 't'.repeat(300), description: 'd'.repeat(10), fields: [{ name: 'n'.repeat(300), value: 'v'.repeat(1100) }] }]);
    expect(embed?.title).toBe('t'.repeat(255) + '…');
    expect(embed?.fields?.[0]?.name).toBe('n'.repeat(255) + '…');
    expect(embed?.fields?.[0]?.value).toBe('v'.repeat(1023) + '…');
  });

  it('keeps all embeds together within 6000 characters, cutting later text first', () => {
    const big = { description: 'd'.repeat(4096) };
    const fitted = fitEmbeds([big, big, { title: 'last' }]);
    const total = fitted.reduce((n, e) => n + (e.title?.length ?? 0) + (e.description?.length ?? 0), 0);
    expect(total).toBe(DISCORD_LIMITS.embedsTotal);
    expect(fitted[0]?.description).toBe('d'.repeat(4096));
    expect(fitted[1]?.description).toBe('d'.repeat(6000 - 4096 - 1) + '…');
    expect(fitted).toHaveLength(2); // the third embed had no budget left
  });

  it('drops fields without a name or value', () => {
    expect(fitEmbeds([{ title: 't', fields: [{ name: '', value: 'v' }, { name: 'n', value: '' }, { name: 'n', value: 'v' }] }])).toEqual([{ title: 't', fields: [{ name: 'n', value: 'v' }] }]);
  });

  it('never splits a surrogate pair', () => {
    expect(truncate('ab😀cd', 4)).toBe('ab…');
    expect(truncate('abc', 3)).toBe('abc');
  });
});

describe('discordKind', () => {
  it('declares either credential as enough, relies on the client for rate limits and does not batch', () => {
    expect(discordKind.credentialFields).toEqual(['webhook_url', 'bot_token']);
    expect(discordKind.credentialSets).toEqual([['webhook_url'], ['bot_token']]);
    expect(discordKind.rateLimit(webhook, { allowed_mentions: { parse: [] } })).toBeUndefined();
    expect(discordKind.batchKey).toBeUndefined();
  });

  it('update: one at a time per key (webhook or bot channel), remembered under that key', () => {
    const hook: DiscordRequest = { allowed_mentions: { parse: [] }, update: { key: 'u-1', ttl_ms: 1000 } };
    const channel: DiscordRequest = { ...hook, channel_id: '111' };
    expect([discordKind.rateLimit(webhook, hook), discordKind.rateLimit(bot, channel)]).toEqual([
      { key: 'discord-update:webhook:u-1', limit: 1, intervalMs: 1000 },
      { key: 'discord-update:111:u-1', limit: 1, intervalMs: 1000 },
    ]);
    expect([discordKind.memoKeys?.(webhook, hook, 'e:r:0'), discordKind.memoKeys?.(bot, channel, 'e:r:0'), discordKind.memoKeys?.(bot, { allowed_mentions: { parse: [] } }, 'e:r:0')]).toEqual([
      ['update:webhook:u-1'],
      ['update:111:u-1'],
      [],
    ]);
  });
});

describe('discord update in place', () => {
  it.each<[string, DiscordDestination, NonNullable<DiscordParams['update']>, object]>([
    ['webhook, 7d', webhook, { key: '{{ name }}', for: '7d' }, { update: { key: '@\u200beveryone \\[Free Nitro\\]\\(https://evil.example\\) \\<@1>', ttl_ms: 604_800_000 } }],
    ['bot, 12h', bot, { key: 'u-{{ id }}', for: '12h' }, { channel_id: '111', update: { key: 'u-42', ttl_ms: 43_200_000 } }],
    ['a key that renders empty posts on its own', bot, { key: '{{ missing }}', for: '1d' }, { channel_id: '111' }],
  ])('%s', (_name, dest, update, expected) => {
    const r = renderWith(discordKind.escape, { name: '@everyone [Free Nitro](https://evil.example) <@1>', id: '42', missing: '' });
    const request = discordKind.buildRequest(dest, { destination: 'd', content: 'hi', update }, r);
    expect(request).toMatchObject(expected);
    if (!('update' in expected)) expect(request.update).toBeUndefined();
  });
});
