import type { DiscordDestination, DiscordParams } from './discord-config.js';
import { DISCORD_LIMITS, fitEmbeds, truncate } from './discord-limits.js';
import { discordUrl } from './escape-discord.js';
import { parseDuration } from '../../duration.js';

/**
 * The memo holding `<channel id> <message id>` of the message that repeats for `key` edit: per bot
 * channel, or per webhook (`webhook`: the destination has one, and memos are scoped to it).
 */
export const discordUpdateMemoKey = (request: DiscordRequest, key: string): string => `update:${request.channel_id ?? 'webhook'}:${key}`;

export type DiscordEmbed = {
  title?: string;
  description?: string;
  url?: string;
  color?: number;
  timestamp?: string;
  footer?: { text: string };
  fields?: { name: string; value: string; inline?: boolean }[];
};

/** https://discord.com/developers/docs/resources/message#allowed-mentions-object */
export type DiscordAllowedMentions = {
  /** `everyone` covers @everyone and @here. Empty unless the rule's `mention.everyone` is true. */
  parse: 'everyone'[];
  users?: string[];
  roles?: string[];
};

/**
 * Exactly what goes to Discord (execute webhook, or create message with a bot token), in wire
 * field names. `channel_id` is set in bot mode only; `username` in webhook mode only.
 */
export type DiscordRequest = {
  content?: string;
  embeds?: DiscordEmbed[];
  username?: string;
  allowed_mentions: DiscordAllowedMentions;
  channel_id?: string;
  /**
   * The bridge's, not a Discord field: edit the first message sent for `key` (in this channel, or
   * through this webhook) when it is less than `ttl_ms` old, else post and become that message.
   */
  update?: { key: string; ttl_ms: number };
};

export function buildDiscordRequest(dest: DiscordDestination, params: DiscordParams, render: (template: string) => string): DiscordRequest {
  const request: DiscordRequest = { allowed_mentions: allowedMentions(params.mention) };
  if (params.content !== undefined) {
    const content = truncate(render(params.content), DISCORD_LIMITS.content);
    if (content !== '') request.content = content;
  }
  if (params.embeds !== undefined) {
    const embeds = fitEmbeds(params.embeds.map((e) => renderEmbed(e, render)));
    if (embeds.length > 0) request.embeds = embeds;
  }
  if (dest.bot_token !== undefined) {
    const channel = params.channel_id ?? dest.channel_id;
    if (channel === undefined) {
      throw new Error('a discord action on a bot destination needs a channel: set `channel_id` on the action or on its destination');
    }
    request.channel_id = channel;
  } else {
    // Bots post under their own name; only webhooks can set one per message.
    const username = params.username ?? dest.username;
    if (username !== undefined) request.username = username;
  }
  if (params.update !== undefined) {
    // A key that renders empty (the event lacks the field) updates nothing: the message posts on its own.
    const key = render(params.update.key).trim();
    const ttl = parseDuration(params.update.for);
    if (key !== '' && ttl !== undefined) request.update = { key, ttl_ms: ttl };
  }
  return request;
}

function allowedMentions(mention: DiscordParams['mention']): DiscordAllowedMentions {
  const allowed: DiscordAllowedMentions = { parse: mention?.everyone === true ? ['everyone'] : [] };
  if (mention?.users !== undefined && mention.users.length > 0) allowed.users = [...mention.users];
  if (mention?.roles !== undefined && mention.roles.length > 0) allowed.roles = [...mention.roles];
  return allowed;
}

type EmbedParams = NonNullable<DiscordParams['embeds']>[number];

/** Every string of an embed is a template (`color` is a number). */
function renderEmbed(embed: EmbedParams, render: (template: string) => string): DiscordEmbed {
  const out: DiscordEmbed = {};
  if (embed.title !== undefined) out.title = render(embed.title);
  if (embed.description !== undefined) out.description = render(embed.description);
  if (embed.url !== undefined) {
    const url = discordUrl(render(embed.url));
    if (url !== undefined) out.url = url;
  }
  if (embed.color !== undefined) out.color = embed.color;
  if (embed.timestamp !== undefined) out.timestamp = render(embed.timestamp);
  if (embed.footer !== undefined) out.footer = { text: render(embed.footer.text) };
  if (embed.fields !== undefined) {
    out.fields = embed.fields.map((f) => ({ name: render(f.name), value: render(f.value), ...(f.inline !== undefined && { inline: f.inline }) }));
  }
  return out;
}
