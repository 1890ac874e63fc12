import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/actions/action.js';
import { createSlackSender } from '../../../src/actions/slack/create-slack-sender.js';
import { slackKind } from '../../../src/actions/slack/slack-kind.js';
import type { SlackDestination } from '../../../src/actions/slack/slack-config.js';
import type { Reply } from '../../fakes/fake-server.js';
import { slackReplies, startFakeSlack, type FakeSlack } from '../../fakes/fake-slack.js';
import { closedPortUrl, renderWith, sendContext } from '../send-context.js';
import { captureLog } from '../../observe/capture-log.js';

const PATH = '/services/T0FAKE/B0FAKE/s3cr3tWebhookPath';
const WEBHOOK_URL = `https://hooks.slack.com${PATH}`;
const dest: SlackDestination = { kind: 'slack', webhook_url: '${SLACK_WEBHOOK_URL}' };
let fake: FakeSlack;

beforeAll(async () => {
  fake = await startFakeSlack({ webhooks: [PATH] });
});
afterEach(() => fake.reset());
afterAll(() => fake.close());

const sender = (timeoutMs = 2000, apiUrl: string = fake.apiUrl, url = WEBHOOK_URL) => createSlackSender(dest, { apiUrl, secrets: { webhook_url: url }, timeoutMs });

describe('slack incoming webhook through @slack/webhook', () => {
  it('POSTs text and blocks as JSON to the webhook path (at SLACK_API_URL), with no channel and no Authorization', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Jane* &lt;!here&gt;' } }];
    expect(await sender().send({ text: 'VIP &lt;!channel&gt; visited', blocks }, sendContext())).toEqual({ status: 'ok' });
    const [call] = fake.calls;
    expect([call?.method, call?.path, call?.headers['content-type'], call?.headers.authorization]).toEqual(['POST', PATH, 'application/json', undefined]);
    expect(call?.json).toEqual({ text: 'VIP &lt;!channel&gt; visited', blocks });
    expect(fake.webhookMessages).toEqual([{ path: PATH, text: 'VIP &lt;!channel&gt; visited', blocks, body: { text: 'VIP &lt;!channel&gt; visited', blocks } }]);
  });

  it('a hostile name rendered by buildRequest arrives escaped, and link_names is never sent', async () => {
    const render = renderWith(slackKind.escape, { name: '<!channel> <https://evil.example|click>' });
    const built = slackKind.buildRequest(dest, { destination: 's', text: 'VIP {{ name }} visited' }, render);
    expect(built).toEqual({ text: 'VIP &lt;!channel&gt; &lt;https://evil.example|click&gt; visited' });
    await sender().send(built, sendContext());
    expect(fake.calls[0]?.json).toEqual({ text: 'VIP &lt;!channel&gt; &lt;https://evil.example|click&gt; visited' });
  });

  it('paces one message per second per webhook, keyed by the variable name, never the URL', () => {
    expect(slackKind.rateLimit(dest, { text: 'x' })).toEqual({ key: 'slack-webhook:SLACK_WEBHOOK_URL', limit: 1, intervalMs: 1020 });
  });

  it('refuses a webhook_url that is not a Slack webhook, without echoing it', () => {
    expect(() => sender(2000, fake.apiUrl, 'https://evil.example/services/T/B/secretpart')).toThrow(
      'the slack webhook_url is not a Slack incoming webhook URL (expected https://hooks.slack.com/services/T…/B…/…)',
    );
    try {
      sender(2000, fake.apiUrl, 'https://evil.example/services/T/B/secretpart');
    } catch (error) {
      expect((error as Error).message).not.toContain('secretpart');
    }
  });

  it('does not send when the job was cancelled before the attempt', async () => {
    const aborted = new AbortController();
    aborted.abort();
    expect(await sender().send({ text: 'x' }, sendContext({ signal: aborted.signal }))).toEqual({ status: 'retry', reason: 'cancelled before sending' });
    expect(fake.calls).toHaveLength(0);
  });

  it.each<[string, Reply, Outcome]>([
    ['429 with Retry-After: 3', slackReplies.webhookRateLimited(3), { status: 'retry', reason: 'slack webhook 429 rate_limited', retryAfterMs: 3000 }],
    ['429 without Retry-After', { status: 429, body: 'rate_limited' }, { status: 'retry', reason: 'slack webhook 429 rate_limited' }],
    ['500 rollup_error', slackReplies.webhookError(500, 'rollup_error'), { status: 'retry', reason: 'slack webhook 500 rollup_error' }],
    ['503 from the edge', slackReplies.http(503), { status: 'retry', reason: 'slack webhook 503' }],
    ['400 invalid_payload', slackReplies.webhookError(400, 'invalid_payload'), { status: 'fail', reason: 'slack webhook 400 invalid_payload' }],
    ['400 no_text', slackReplies.webhookError(400, 'no_text'), { status: 'fail', reason: 'slack webhook 400 no_text' }],
    ['403 invalid_token', slackReplies.webhookError(403, 'invalid_token'), { status: 'fail', reason: 'slack webhook 403 invalid_token' }],
    ['403 action_prohibited', slackReplies.webhookError(403, 'action_prohibited'), { status: 'fail', reason: 'slack webhook 403 action_prohibited' }],
    ['404 channel_not_found', slackReplies.webhookError(404, 'channel_not_found'), { status: 'fail', reason: 'slack webhook 404 channel_not_found' }],
    ['410 channel_is_archived', slackReplies.webhookError(410, 'channel_is_archived'), { status: 'fail', reason: 'slack webhook 410 channel_is_archived' }],
    ['no answer (timeout)', { hang: true }, { status: 'ambiguous', reason: 'slack webhook request timed out after sending' }],
    ['reset after sending', { destroy: true }, { status: 'ambiguous', reason: 'slack webhook request failed, may have been sent: UND_ERR_SOCKET' }],
  ])('%s', async (_, reply, expected) => {
    fake.failNext(1, reply);
    expect(await sender(1000).send({ text: 'x' }, sendContext())).toEqual(expected);
    expect(fake.calls).toHaveLength(1);
  });

  it('an unknown webhook is 404 no_service, a permanent failure', async () => {
    expect(await sender(2000, fake.apiUrl, 'https://hooks.slack.com/services/T0/B0/gone').send({ text: 'x' }, sendContext())).toEqual({ status: 'fail', reason: 'slack webhook 404 no_service' });
  });

  it('a connection refused before sending is retried', async () => {
    expect(await sender(2000, await closedPortUrl()).send({ text: 'x' }, sendContext())).toEqual({ status: 'retry', reason: 'slack webhook connection failed before sending: ECONNREFUSED' });
  });
});

describe('the webhook URL is a secret', () => {
  it('what @slack/webhook throws (HTTP error, request error), logged as the dispatcher logs errors, holds no part of the URL', async () => {
    const { IncomingWebhook } = await import('@slack/webhook');
    fake.failNext(1, slackReplies.webhookError(404, 'channel_not_found'));
    const errors = await Promise.all([
      new IncomingWebhook(`${fake.url}${PATH}`).send('x').catch((e: unknown) => e),
      new IncomingWebhook(`${await closedPortUrl()}${PATH}`).send('x').catch((e: unknown) => e),
    ]);
    const captured = captureLog('info');
    for (const err of errors) captured.log.warn({ err, destination: { kind: 'slack', webhook_url: WEBHOOK_URL } }, 'send failed');
    expect(captured.raw).toHaveLength(2);
    for (const line of captured.raw) expect(line).not.toContain('s3cr3tWebhookPath');
  });
});

describe('slack destination config', () => {
  it.each([
    ['a webhook with a default channel', { kind: 'slack', webhook_url: '${SLACK_WEBHOOK_URL}', channel: '#x' }, 'a slack webhook posts to the channel it was created for; remove `channel` (or use a bot token)'],
    ['both token and webhook_url', { kind: 'slack', webhook_url: '${SLACK_WEBHOOK_URL}', token: '${SLACK_BOT_TOKEN}' }, 'a slack destination needs exactly one of token or webhook_url'],
    ['neither', { kind: 'slack' }, 'a slack destination needs exactly one of token or webhook_url'],
    ['a literal webhook URL', { kind: 'slack', webhook_url: WEBHOOK_URL }, 'Slack incoming webhook URL must be an ${ENV_VAR} reference, not a literal (secrets live in the environment)'],
  ])('refuses %s', (_, value, message) => {
    const r = slackKind.destinationSchema.safeParse(value);
    expect(r.success ? [] : r.error.issues.map((i) => i.message)).toEqual([message]);
  });

  it('refuses a channel on an action of a webhook destination', () => {
    expect(() => slackKind.buildRequest(dest, { destination: 's', channel: '#x', text: 'hi' }, (t) => t)).toThrow(
      'a slack webhook posts to the channel it was created for; remove `channel` from the action (or use a bot token)',
    );
  });
});
