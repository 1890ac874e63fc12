import { afterEach, beforeEach, expect, it } from 'vitest';
import { slackReplies } from '../fakes/fake-slack.js';
import { startFaultBridge, type FaultBridge } from './fault-bridge.js';
import { gapMs, slowFirst, type FaultCase } from './fault-case.js';

/**
 * Slack incoming-webhook faults through the real @slack/webhook client against the fake Slack
 * (SLACK_API_URL redirects the webhook's path to it). A webhook post has no idempotency key, so a
 * timeout or reset after sending is ambiguous and never retried; a 429 waits for its Retry-After.
 */

const PATH = '/services/T0FAULT/B0FAULT/faultWebhookSecret';
const RULES = `version: 1
destinations:
  alerts: { kind: slack, webhook_url: "\${SLACK_WEBHOOK_URL}" }
rules:
  - name: to-slack
    on: user.visited
    actions: [{ slack: { destination: alerts, text: "visit {{ user.name }}" } }]
`;

let fb: FaultBridge;
beforeEach(async () => {
  fb = await startFaultBridge({ rules: RULES, env: { ACTION_TIMEOUT_MS: '1000', SLACK_WEBHOOK_URL: `https://hooks.slack.com${PATH}` } });
});
afterEach(async () => {
  await fb?.close();
});

const cases: FaultCase[] = [
  { name: '429 with Retry-After: 1', arrange: (f) => f.slack.failNext(1, slackReplies.webhookRateLimited(1)), status: 'done', attempts: 2, lastError: 'slack webhook 429 rate_limited', delivered: 1, retryAfterMs: 1000 },
  { name: 'HTTP 503', arrange: (f) => f.slack.failNext(1, slackReplies.http(503)), status: 'done', attempts: 2, lastError: 'slack webhook 503', delivered: 1 },
  { name: '500 rollup_error', arrange: (f) => f.slack.failNext(1, slackReplies.webhookError(500, 'rollup_error')), status: 'done', attempts: 2, lastError: 'slack webhook 500 rollup_error', delivered: 1 },
  { name: 'no answer (timeout)', arrange: (f) => f.slack.failNext(1, { hang: true }), status: 'ambiguous', attempts: 1, lastError: 'slack webhook request timed out after sending', delivered: 0 },
  { name: 'posted, answered after the timeout', arrange: (f) => slowFirst(f.slack, 2000), status: 'ambiguous', attempts: 1, lastError: 'slack webhook request timed out after sending', delivered: 1 },
  { name: 'connection reset after sending', arrange: (f) => f.slack.failNext(1, { destroy: true }), status: 'ambiguous', attempts: 1, lastError: 'slack webhook request failed, may have been sent: UND_ERR_SOCKET', delivered: 0 },
  { name: '403 invalid_token', arrange: (f) => f.slack.failNext(1, slackReplies.webhookError(403, 'invalid_token')), status: 'dead', attempts: 1, lastError: 'slack webhook 403 invalid_token', delivered: 0 },
  { name: '404 channel_not_found', arrange: (f) => f.slack.failNext(1, slackReplies.webhookError(404, 'channel_not_found')), status: 'dead', attempts: 1, lastError: 'slack webhook 404 channel_not_found', delivered: 0 },
  { name: '400 no_text', arrange: (f) => f.slack.failNext(1, slackReplies.webhookError(400, 'no_text')), status: 'dead', attempts: 1, lastError: 'slack webhook 400 no_text', delivered: 0 },
];

it.each(cases)('slack webhook $name → $status after $attempts attempt(s)', async (c) => {
  const quiet = c.arrange(fb);
  const id = await fb.send('slack', 1);
  const job = await fb.settled(id);
  await quiet;
  if (c.delivered > 0) await fb.slack.waitFor(() => fb.slack.webhookMessages.length === c.delivered);
  await fb.idle();

  expect({ status: job.status, attempts: job.attempts, lastError: job.lastError }).toEqual({ status: c.status, attempts: c.attempts, lastError: c.lastError });
  const posts = fb.slack.calls.filter((call) => call.path === PATH);
  expect(posts).toHaveLength(c.attempts);
  expect(fb.slack.webhookMessages.map((m) => m.text)).toEqual(Array.from({ length: c.delivered }, () => 'visit slack-1'));
  // The webhook's secret path never reaches the store.
  expect(job.lastError ?? '').not.toContain('faultWebhookSecret');
  if (c.retryAfterMs !== undefined) expect(gapMs(posts)).toBeGreaterThanOrEqual(c.retryAfterMs);
});

it('paces two messages to one webhook a second apart', async () => {
  const ids = [await fb.send('slack', 1), await fb.send('slack', 2)];
  await Promise.all(ids.map((id) => fb.settled(id)));
  expect(gapMs(fb.slack.calls.filter((call) => call.path === PATH))).toBeGreaterThanOrEqual(950);
});
