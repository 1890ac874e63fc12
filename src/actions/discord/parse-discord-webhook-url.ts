/**
 * `https://discord.com/api/webhooks/<id>/<token>` (also discordapp.com, ptb., canary., and an
 * optional `/v10`). The token is the secret: error messages never echo the URL. Tests keep this
 * real-looking URL and redirect requests with DISCORD_API_URL instead.
 */
const WEBHOOK_URL = /^https:\/\/(?:(?:ptb|canary)\.)?discord(?:app)?\.com\/api(?:\/v\d{1,2})?\/webhooks\/(\d{17,20})\/([\w-]{1,100})\/?$/i;

export function parseDiscordWebhookUrl(url: string): { id: string; token: string } {
  const match = WEBHOOK_URL.exec(url.trim());
  if (match?.[1] === undefined || match[2] === undefined) {
    throw new Error('the discord webhook_url is not a Discord webhook URL (expected https://discord.com/api/webhooks/<id>/<token>)');
  }
  return { id: match[1], token: match[2] };
}
