import type { ActionKind } from '../action.js';
import { DiscordDestination, DiscordParams } from './discord-config.js';
import { buildDiscordRequest, discordUpdateMemoKey, type DiscordRequest } from './discord-request.js';
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
  // Update in place is the exception: repeats for one key go one at a time (the next leaves a
  // second after the answer), so the first message's id is recorded before the next repeat
  // reads it, and two repeats of a new key never both post.
  rateLimit: (_dest, request) =>
    request.update === undefined ? undefined : { key: `discord-${discordUpdateMemoKey(request, request.update.key)}`, limit: 1, intervalMs: 1000 },
  // An update needs the id of the message it edits, remembered across restarts.
  memoKeys: (_dest, request) => (request.update === undefined ? [] : [discordUpdateMemoKey(request, request.update.key)]),
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
