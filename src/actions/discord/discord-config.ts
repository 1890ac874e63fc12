import * as z from 'zod';
import { credential } from '../../env-ref.js';
import { DURATION, DURATION_MESSAGE } from '../../duration.js';

const Duration = z.string().regex(DURATION, { message: DURATION_MESSAGE });

export const DiscordDestination = z
  .object({
    kind: z.literal('discord'),
    webhook_url: credential('Discord webhook URL').optional(),
    bot_token: credential('Discord bot token').optional(),
    channel_id: z.string().min(1).optional().describe('channel to post to with a bot token'),
    username: z.string().min(1).max(80).optional().describe('webhook display name'),
    // A message's link is https://discord.com/channels/<guild id>/<channel id>/<message id>, and neither
    // a webhook's nor a bot's answer names the guild:
    // https://discord.com/developers/docs/resources/message#message-object
    guild_id: z.string().regex(/^\d{15,21}$/, { message: 'guild_id is the server id: 15 to 21 digits' }).optional().describe("the server (guild) id the channel is in: the console then links each message it posted"),
  })
  .strict()
  .superRefine((d, ctx) => {
    if ((d.webhook_url === undefined) === (d.bot_token === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'a discord destination needs exactly one of webhook_url or bot_token' });
    }
  });
export type DiscordDestination = z.infer<typeof DiscordDestination>;

// Embed limits: https://discord.com/developers/docs/resources/message#embed-object-embed-limits
const Embed = z
  .object({
    title: z.string().optional(),
    description: z.string().optional(),
    url: z.string().optional(),
    color: z.number().int().min(0).max(0xffffff).optional(),
    timestamp: z.string().optional(),
    footer: z.object({ text: z.string() }).strict().optional(),
    fields: z.array(z.object({ name: z.string(), value: z.string(), inline: z.boolean().optional() }).strict()).max(25).optional(),
  })
  .strict();

export const DiscordParams = z
  .object({
    destination: z.string().min(1).describe('name of a discord destination'),
    content: z.string().min(1).optional().describe('message content; a template'),
    embeds: z.array(Embed).max(10).optional().describe('embeds; every string is a template'),
    channel_id: z.string().min(1).optional().describe("bot destinations: channel; defaults to the destination's channel_id"),
    username: z.string().min(1).max(80).optional(),
    mention: z
      .object({
        users: z.array(z.string()).optional(),
        roles: z.array(z.string()).optional(),
        everyone: z.boolean().optional().describe('allow @everyone / @here to ping'),
      })
      .strict()
      .optional()
      .describe('mentions that may ping; by default nothing pings (allowed_mentions.parse = [])'),
    update: z
      .object({
        key: z.string().min(1).describe('messages whose key renders the same (in the same channel or webhook) within `for` edit the first one instead of posting; a template, e.g. "{{ user.id }}"'),
        for: Duration.describe('how long after the first message repeats edit it (e.g. 7d); the first repeat after that posts a new message'),
      })
      .strict()
      .optional()
      .describe('update in place: repeats within `for` edit the first message (by its stored id) instead of posting again'),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.content === undefined && p.embeds === undefined) ctx.addIssue({ code: 'custom', message: 'a discord action needs content or embeds' });
  });
export type DiscordParams = z.infer<typeof DiscordParams>;
