/**
 * `https://hooks.slack.com/services/T…/B…/…` (also Slack GovSlack's hooks.slack-gov.com). The path is
 * the secret: error messages never echo the URL. When SLACK_API_URL is set (a proxy, or a fake in
 * tests), the webhook's path goes to that origin instead, as the Discord webhook does with DISCORD_API_URL.
 * https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks
 */
const WEBHOOK_URL = /^https:\/\/hooks\.slack(?:-gov)?\.com(\/services\/[A-Za-z0-9]+\/[A-Za-z0-9]+\/[A-Za-z0-9]+)\/?$/;

export function slackWebhookUrl(url: string, apiUrl: string | undefined): string {
  const path = WEBHOOK_URL.exec(url.trim())?.[1];
  if (path === undefined) {
    throw new Error('the slack webhook_url is not a Slack incoming webhook URL (expected https://hooks.slack.com/services/T…/B…/…)');
  }
  return apiUrl === undefined ? `https://hooks.slack.com${path}` : `${new URL(apiUrl).origin}${path}`;
}
