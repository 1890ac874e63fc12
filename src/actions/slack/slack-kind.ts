import type { ActionKind } from '../action.js';
import { SlackDestination, SlackParams } from './slack-config.js';
import { buildSlackRequest, type SlackRequest } from './slack-request.js';
import { escapeSlack } from './escape-slack.js';
import { createSlackSender } from './create-slack-sender.js';

/** Slack `chat.postMessage` with a bot token (`chat:write`). */
export const slackKind: ActionKind<SlackDestination, SlackParams, SlackRequest> = {
  kind: 'slack',
  apiUrlEnv: 'SLACK_API_URL',
  destinationSchema: SlackDestination,
  actionSchema: SlackParams,
  credentialFields: ['token'],
  credentialSets: [['token']],
  escape: escapeSlack,
  buildRequest: buildSlackRequest,
  // chat.postMessage is in the "special" tier: about one message per second per channel.
  // https://docs.slack.dev/apis/web-api/rate-limits
  rateLimit: (_dest, request) => ({ key: `slack:${request.channel}`, limit: 1, intervalMs: 1000 }),
  createSender: createSlackSender,
};
