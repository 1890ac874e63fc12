import type { ActionKind } from '../action.js';
import { envRefName } from '../../env-ref.js';
import { SlackDestination, SlackParams } from './slack-config.js';
import { buildSlackRequest, threadMemoKey, updateMemoKey, type SlackRequest } from './slack-request.js';
import { escapeSlack } from './escape-slack.js';
import { createSlackSender } from './create-slack-sender.js';
import { checkCredentialFields, throwsMessage } from '../credential-shape.js';
import { slackWebhookUrl } from './slack-webhook-url.js';
import { slackWhoAmI } from './slack-who-am-i.js';
import { SLACK_MESSAGE_INTERVAL_MS } from './slack-limits.js';

/** Slack: `chat.postMessage` with a bot token (`chat:write`), or an incoming webhook. */
export const slackKind: ActionKind<SlackDestination, SlackParams, SlackRequest> = {
  kind: 'slack',
  apiUrlEnv: 'SLACK_API_URL',
  destinationSchema: SlackDestination,
  actionSchema: SlackParams,
  credentialFields: ['token', 'webhook_url'],
  credentialSets: [['token'], ['webhook_url']],
  escape: escapeSlack,
  buildRequest: buildSlackRequest,
  // One message per second per channel (bot) or per webhook, with a margin: slack-limits.ts.
  // A webhook's key is its variable's name, never the URL (the URL is the secret).
  rateLimit: (dest, request) =>
    dest.webhook_url !== undefined
      ? { key: `slack-webhook:${envRefName(dest.webhook_url) ?? dest.webhook_url}`, limit: 1, intervalMs: SLACK_MESSAGE_INTERVAL_MS }
      : { key: `slack:${request.channel ?? ''}`, limit: 1, intervalMs: SLACK_MESSAGE_INTERVAL_MS },
  // A threaded message needs the ts of its thread's first message, an update the ts of the message
  // it edits: remembered across restarts.
  memoKeys: (_dest, { channel, thread, update }) =>
    channel === undefined
      ? []
      : [...(thread === undefined ? [] : [threadMemoKey(channel, thread.key)]), ...(update === undefined ? [] : [updateMemoKey(channel, update.key)])],
  // Bot tokens start xoxb-, user tokens xoxp- (https://docs.slack.dev/authentication/tokens);
  // an app-level (xapp-) or configuration token cannot post messages.
  checkCredentials: (secrets) =>
    checkCredentialFields(secrets, {
      token: (v) => (/^xox[bp]-/.test(v) ? undefined : 'is not a Slack bot or user token (expected xoxb-… or xoxp-…)'),
      webhook_url: (v) => throwsMessage(() => slackWebhookUrl(v, undefined)),
    }),
  whoAmI: slackWhoAmI,
  createSender: createSlackSender,
};
