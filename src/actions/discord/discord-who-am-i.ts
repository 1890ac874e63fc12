import type { SenderDeps } from '../action.js';
import { shortWord, vendorJson } from '../vendor-get.js';
import type { DiscordDestination } from './discord-config.js';
import { parseDiscordWebhookUrl } from './parse-discord-webhook-url.js';

const detail = (body: Record<string, unknown>): string | undefined => {
  const code = typeof body.code === 'number' ? body.code : undefined;
  return code === undefined ? undefined : `(code ${code}${shortWord(body.message) === undefined ? '' : `: ${shortWord(body.message)}`})`;
};

/**
 * A webhook's own record (GET /webhooks/{id}/{token}, no auth:
 * https://discord.com/developers/docs/resources/webhook#get-webhook-with-token), or the bot user
 * (GET /users/@me: https://discord.com/developers/docs/resources/user#get-current-user).
 */
export async function discordWhoAmI(_dest: DiscordDestination, deps: SenderDeps): Promise<string> {
  const base = `${(deps.apiUrl ?? 'https://discord.com/api').replace(/\/+$/, '')}/v10`;
  const url = deps.secrets.webhook_url;
  if (url !== undefined) {
    const { id, token } = parseDiscordWebhookUrl(url);
    const hook = await vendorJson('discord webhook', `${base}/webhooks/${id}/${token}`, { headers: {}, timeoutMs: deps.timeoutMs }, detail);
    return `webhook "${shortWord(hook.name) ?? '?'}" in channel ${shortWord(hook.channel_id) ?? '?'}`;
  }
  const me = await vendorJson('discord users/@me', `${base}/users/@me`, { headers: { authorization: `Bot ${deps.secrets.bot_token ?? ''}` }, timeoutMs: deps.timeoutMs }, detail);
  return `bot ${shortWord(me.username) ?? '?'} (${shortWord(me.id) ?? '?'})`;
}
