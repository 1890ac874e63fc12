import type { SenderDeps } from '../action.js';
import { shortWord, vendorJson } from '../vendor-get.js';
import type { SlackDestination } from './slack-config.js';

/**
 * `auth.test` (https://docs.slack.dev/reference/methods/auth.test): the bot user and workspace of a
 * token. An incoming webhook has no read call: checking it would post a message.
 */
export async function slackWhoAmI(dest: SlackDestination, deps: SenderDeps): Promise<string> {
  const token = deps.secrets.token;
  if (token === undefined) return 'an incoming webhook (Slack has no call to check one without posting)';
  const base = (deps.apiUrl ?? 'https://slack.com/api').replace(/\/+$/, '');
  const body = await vendorJson('slack auth.test', `${base}/auth.test`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, timeoutMs: deps.timeoutMs }, () => undefined);
  if (body.ok !== true) throw new Error(`slack auth.test: ${shortWord(body.error) ?? 'not ok'}`);
  return `${shortWord(body.user) ?? '?'} (${shortWord(body.user_id) ?? '?'}) in workspace ${shortWord(body.team) ?? '?'}`;
}
