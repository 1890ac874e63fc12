import type { APIMessage, REST, Routes, WebhookClient } from 'discord.js';
import type { Memo, Outcome, SendContext, Sender, SenderDeps } from '../action.js';
import type { DiscordDestination } from './discord-config.js';
import { discordUpdateMemoKey, type DiscordRequest } from './discord-request.js';
import { classifyDiscordError, type DiscordErrorClasses } from './classify-discord-error.js';
import { discordNonce } from './discord-nonce.js';
import { parseDiscordWebhookUrl } from './parse-discord-webhook-url.js';

const DISCORD_API = 'https://discord.com/api';

/**
 * The live Discord sender: a channel webhook (`WebhookClient`) or a bot token (`REST`, create
 * message with a nonce). discord.js is loaded when the sender is made, not on the first send: its
 * import blocks the event loop for 0.5-3 s, which on a first send stalls intake and every lane.
 * Everything comes from 'discord.js'
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
  const warm = load().then(() => undefined, () => undefined);
  return {
    ready: () => warm,
    async send(request: DiscordRequest, ctx: SendContext): Promise<Outcome> {
      if (ctx.signal.aborted) return { status: 'retry', reason: 'cancelled before sending' };
      const { hook, classes } = await load();
      const target = editTarget(request, ctx);
      if (target !== undefined) {
        try {
          // PATCH /webhooks/{id}/{token}/messages/{message.id}: content and embeds replaced.
          const edited = await hook.editMessage(target.id, { content: request.content ?? '', embeds: request.embeds ?? [], allowedMentions: request.allowed_mentions });
          return editedOutcome(target, edited.channel_id);
        } catch (error) {
          if (!messageGone(error, classes)) return classifyDiscordError(error, classes, true, EDIT_IS_SAFE);
        }
      }
      try {
        // `send` always adds `?wait=true`, so the created message (and its id) comes back.
        const message = await hook.send({
          ...(request.content !== undefined && { content: request.content }),
          ...(request.embeds !== undefined && { embeds: request.embeds }),
          ...(request.username !== undefined && { username: request.username }),
          allowedMentions: request.allowed_mentions,
        });
        return posted(request, message);
      } catch (error) {
        return classifyDiscordError(error, classes, false);
      }
    },
    async close() {
      (await loaded?.catch(() => undefined))?.hook.destroy();
    },
  };
}

function botSender(token: string, options: RestOptions): Sender<DiscordRequest> {
  let loaded: Promise<{ rest: REST; routes: typeof Routes; classes: DiscordErrorClasses }> | undefined;
  const load = () => (loaded ??= import('discord.js').then((d) => ({ rest: new d.REST({ version: '10', ...options }), routes: d.Routes, classes: d })));
  const warm = load().then(() => undefined, () => undefined);
  return {
    ready: () => warm,
    async send(request: DiscordRequest, ctx: SendContext): Promise<Outcome> {
      if (request.channel_id === undefined) return { status: 'fail', reason: 'discord bot message has no channel_id' };
      if (ctx.signal.aborted) return { status: 'retry', reason: 'cancelled before sending' };
      const { rest, routes, classes } = await load();
      // A 401 makes @discordjs/rest forget the token; set it on every send so one bad answer is not sticky.
      rest.setToken(token);
      const { channel_id: channel, update: _update, ...fields } = request;
      const target = editTarget(request, ctx);
      if (target !== undefined) {
        try {
          // PATCH /channels/{channel.id}/messages/{message.id}: content and embeds replaced.
          const body = { content: fields.content ?? '', embeds: fields.embeds ?? [], allowed_mentions: fields.allowed_mentions };
          const edited = (await rest.patch(routes.channelMessage(target.channel, target.id), { body, signal: ctx.signal })) as APIMessage;
          return editedOutcome(target, edited.channel_id);
        } catch (error) {
          if (!messageGone(error, classes)) return classifyDiscordError(error, classes, true, EDIT_IS_SAFE);
        }
      }
      try {
        const message = (await rest.post(routes.channelMessages(channel), {
          body: { ...fields, nonce: discordNonce(ctx.idempotencyKey), enforce_nonce: true },
          signal: ctx.signal,
        })) as APIMessage;
        return posted(request, message);
      } catch (error) {
        return classifyDiscordError(error, classes, true);
      }
    },
    async close() {
      const rest = (await loaded?.catch(() => undefined))?.rest;
      rest?.clearHashSweeper();
      rest?.clearHandlerSweeper();
    },
  };
}

/** The message an update edits: `<channel id> <message id>` from the job's memo, if any. */
function editTarget(request: DiscordRequest, ctx: SendContext): { channel: string; id: string } | undefined {
  if (request.update === undefined) return undefined;
  const [channel, id, extra] = (ctx.memos?.[discordUpdateMemoKey(request, request.update.key)] ?? '').split(' ');
  return channel === undefined || channel === '' || id === undefined || id === '' || extra !== undefined ? undefined : { channel, id };
}

/** An edit keeps the job's ref at the edited message; it records nothing (the memo's clock runs from the first post). */
function editedOutcome(target: { channel: string; id: string }, channel: string | undefined): Outcome {
  return { status: 'ok', ref: target.id, detail: { channel_id: channel ?? target.channel, updated: true } };
}

/** A posted message; for an update, remembered as the one repeats edit for `ttl_ms`. */
function posted(request: DiscordRequest, message: { id: string; channel_id: string }): Outcome {
  const memos: Memo[] =
    request.update === undefined ? [] : [{ key: discordUpdateMemoKey(request, request.update.key), value: `${message.channel_id} ${message.id}`, ttlMs: request.update.ttl_ms }];
  return { status: 'ok', ref: message.id, detail: { channel_id: message.channel_id }, ...(memos.length > 0 && { memos }) };
}

/**
 * The message to edit is gone (deleted by a moderator, or its channel's history cleared): 404
 * Unknown Message (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json).
 * The repeat posts a new message, which later repeats edit.
 */
function messageGone(error: unknown, classes: DiscordErrorClasses): boolean {
  return error instanceof classes.DiscordAPIError && error.status === 404 && Number(error.code) === UNKNOWN_MESSAGE;
}

const UNKNOWN_MESSAGE = 10008;

/** An edit sets the same content again when repeated, so a timeout is safe to retry. */
const EDIT_IS_SAFE = 'an edit is safe to repeat';
