import type { ActionKind } from '../action.js';
import { DiscordDestination, DiscordParams } from './discord-config.js';
import { buildDiscordRequest, type DiscordRequest } from './discord-request.js';
import { escapeDiscord } from './escape-discord.js';
import { createDiscordSender } from './create-discord-sender.js';
import { checkCredentialFields, throwsMessage } from '../credential-shape.js';
import { parseDiscordWebhookUrl } from './parse-discord-webhook-url.js';
import { discordWhoAmI } from './discord-who-am-i.js';

/** Discord: a channel webhook, or a bot token and channel id. */
export const discordKind: ActionKind<DiscordDestination, DiscordParams, DiscordRequest> = {
  kind: 'discord',
  apiUrlEnv: 'DISCORD_API_URL',
  destinationSchema: DiscordDestination,
  actionSchema: DiscordParams,
  credentialFields: ['webhook_url', 'bot_token'],
  credentialSets: [['webhook_url'], ['bot_token']],
  escape: escapeDiscord,
  buildRequest: buildDiscordRequest,
  // Discord publishes no fixed per-route numbers: clients must follow the X-RateLimit-* headers
  // (https://discord.com/developers/docs/topics/rate-limits). @discordjs/rest tracks them per
  // bucket and, with rejectOnRateLimit, rejects before sending when a bucket is empty; that
  // comes back as a 'retry' with Discord's own wait. A guessed static limit here could only be wrong.
  rateLimit: () => undefined,
  // Webhook URLs as Discord hands them out (https://discord.com/developers/docs/resources/webhook);
  // the bot token is sent as `Authorization: Bot <token>`, so the variable holds the bare token
  // (https://discord.com/developers/docs/reference#authentication).
  checkCredentials: (secrets) =>
    checkCredentialFields(secrets, {
      webhook_url: (v) => throwsMessage(() => parseDiscordWebhookUrl(v)),
      bot_token: (v) => (/^bot\b/i.test(v) ? 'starts with "Bot": set the variable to the bare token (the bridge adds "Bot ")' : undefined),
    }),
  whoAmI: discordWhoAmI,
  createSender: createDiscordSender,
};
