import { describe, expect, it } from 'vitest';
import { parseDiscordWebhookUrl } from '../../../src/actions/discord/parse-discord-webhook-url.js';

const token = 'a'.repeat(34) + '-' + 'B_'.repeat(16) + 'z';

describe('parseDiscordWebhookUrl', () => {
  it.each([
    `https://discord.com/api/webhooks/123456789012345678/${token}`,
    `https://discordapp.com/api/webhooks/123456789012345678/${token}`,
    `https://ptb.discord.com/api/v10/webhooks/123456789012345678/${token}/`,
    ` https://canary.discord.com/api/webhooks/123456789012345678/${token}\n`,
  ])('reads id and token from %s', (url) => {
    expect(parseDiscordWebhookUrl(url)).toEqual({ id: '123456789012345678', token });
  });

  it.each([
    `http://discord.com/api/webhooks/123456789012345678/${token}`,
    `https://evil.example/api/webhooks/123456789012345678/${token}`,
    `https://discord.com.evil.example/api/webhooks/123456789012345678/${token}`,
    'https://discord.com/api/webhooks/123/short',
    'not a url',
  ])('rejects %s without echoing it', (url) => {
    expect(() => parseDiscordWebhookUrl(url)).toThrow(
      new Error('the discord webhook_url is not a Discord webhook URL (expected https://discord.com/api/webhooks/<id>/<token>)'),
    );
  });
});
