import type { APIMessage, REST, WebhookClient } from 'discord.js';
import type { Outcome, SendContext, Sender, SenderDeps } from '../action.js';
import type { DiscordDestination } from './discord-config.js';
import type { DiscordRequest } from './discord-request.js';
import { classifyDiscordError, type DiscordErrorClasses } from './classify-discord-error.js';
import { discordNonce } from './discord-nonce.js';
import { parseDiscordWebhookUrl } from './parse-discord-webhook-url.js';

const DISCORD_API = 'https://discord.com/api';

/**
 * The live Discord sender: a channel webhook (`WebhookClient`) or a bot token (`REST`, create
 * message with a nonce). discord.js is loaded on the first send. Everything comes from 'discord.js'
 * itself: `@discordjs/rest`'s ESM build has different error classes (destinations.md 2).
 * The bridge owns retries: `retries: 0`, and every rate limit rejects with `RateLimitError`
 * instead of waiting inside the client (the dispatcher schedules the retry).
 */
export function createDiscordSender(_dest: DiscordDestination, deps: SenderDeps): Sender<DiscordRequest> {
  const webhookUrl = deps.secrets.webhook_url;
  const botToken = deps.secrets.bot_token;
  const restOptions = {
    api: deps.apiUrl?.replace(/\/+$/, '') ?? DISCORD_API,
    retries: 0,
    timeout: deps.timeoutMs,
    offset: 0,
    rejectOnRateLimit: () => true,
  };
  if (webhookUrl !== undefined && webhookUrl !== '') {
    return webhookSender(parseDiscordWebhookUrl(webhookUrl), restOptions);
  }
  if (botToken !== undefined && botToken !== '') return botSender(botToken, restOptions);
  throw new Error('a live discord sender needs the webhook_url or bot_token credential');
}

type RestOptions = { api: string; retries: number; timeout: number; offset: number; rejectOnRateLimit: () => boolean };

function webhookSender(webhook: { id: string; token: string }, rest: RestOptions): Sender<DiscordRequest> {
  let loaded: Promise<{ hook: WebhookClient; classes: DiscordErrorClasses }> | undefined;
  const load = () => (loaded ??= import('discord.js').then((d) => ({ hook: new d.WebhookClient(webhook, { rest }), classes: d })));
  return {
    async send(request: DiscordRequest, ctx: SendContext): Promise<Outcome> {
      if (ctx.signal.aborted) return { status: 'retry', reason: 'cancelled before sending' };
      const { hook, classes } = await load();
      try {
        // `send` always adds `?wait=true`, so the created message (and its id) comes back.
        const message = await hook.send({
          ...(request.content !== undefined && { content: request.content }),
          ...(request.embeds !== undefined && { embeds: request.embeds }),
          ...(request.username !== undefined && { username: request.username }),
          allowedMentions: request.allowed_mentions,
        });
        return { status: 'ok', ref: message.id, detail: { channel_id: message.channel_id } };
      } catch (error) {
        return classifyDiscordError(error, classes, false);
      }
    },
    async close() {
      if (loaded !== undefined) (await loaded).hook.destroy();
    },
  };
}

function botSender(token: string, options: RestOptions): Sender<DiscordRequest> {
  let loaded: Promise<{ rest: REST; route: (channel: string) => `/${string}`; classes: DiscordErrorClasses }> | undefined;
  const load = () =>
    (loaded ??= import('discord.js').then((d) => ({ rest: new d.REST({ version: '10', ...options }), route: d.Routes.channelMessages, classes: d })));
  return {
    async send(request: DiscordRequest, ctx: SendContext): Promise<Outcome> {
      if (request.channel_id === undefined) return { status: 'fail', reason: 'discord bot message has no channel_id' };
      if (ctx.signal.aborted) return { status: 'retry', reason: 'cancelled before sending' };
      const { rest, route, classes } = await load();
      // A 401 makes @discordjs/rest forget the token; set it on every send so one bad answer is not sticky.
      rest.setToken(token);
      const { channel_id: channel, ...fields } = request;
      try {
        const message = (await rest.post(route(channel), {
          body: { ...fields, nonce: discordNonce(ctx.idempotencyKey), enforce_nonce: true },
          signal: ctx.signal,
        })) as APIMessage;
        return { status: 'ok', ref: message.id, detail: { channel_id: message.channel_id } };
      } catch (error) {
        return classifyDiscordError(error, classes, true);
      }
    },
    async close() {
      if (loaded !== undefined) {
        const { rest } = await loaded;
        rest.clearHashSweeper();
        rest.clearHandlerSweeper();
      }
    },
  };
}
