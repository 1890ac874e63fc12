import { afterEach, beforeEach, expect, it } from 'vitest';
import { slackReplies } from '../fakes/fake-slack.js';
import { startFaultBridge, type FaultBridge } from './fault-bridge.js';
import { gapMs, slowFirst, type FaultCase } from './fault-case.js';

/**
 * Slack faults through the real @slack/web-api client against the fake Slack: what the dispatcher
 * makes of each (attempts, status, last error), and what Slack ends up holding. chat.postMessage
 * has no idempotency key, so a timeout or reset after sending is recorded as ambiguous and never
 * retried (it could post twice); everything known not to have posted is retried.
 */

let fb: FaultBridge;
beforeEach(async () => {
  fb = await startFaultBridge({ env: { ACTION_TIMEOUT_MS: '1000' } });
});
afterEach(async () => {
  await fb?.close();
});

const cases: FaultCase[] = [
  { name: '429 with Retry-After: 1', arrange: (f) => f.slack.failNext(1, slackReplies.rateLimited(1)), status: 'done', attempts: 2, lastError: 'slack rate limited (429)', delivered: 1, retryAfterMs: 1000 },
  { name: 'HTTP 503', arrange: (f) => f.slack.failNext(1, slackReplies.http(503)), status: 'done', attempts: 2, lastError: 'slack http 503', delivered: 1 },
  { name: 'HTTP 500', arrange: (f) => f.slack.failNext(1, slackReplies.http(500)), status: 'done', attempts: 2, lastError: 'slack http 500', delivered: 1 },
  { name: 'no answer (timeout)', arrange: (f) => f.slack.failNext(1, { hang: true }), status: 'ambiguous', attempts: 1, lastError: 'slack request timed out after sending', delivered: 0 },
  { name: 'posted, answered after the timeout', arrange: (f) => slowFirst(f.slack, 2000), status: 'ambiguous', attempts: 1, lastError: 'slack request timed out after sending', delivered: 1 },
  { name: 'connection reset after sending', arrange: (f) => f.slack.failNext(1, { destroy: true }), status: 'ambiguous', attempts: 1, lastError: 'slack request failed, may have been sent: UND_ERR_SOCKET', delivered: 0 },
  { name: 'internal_error (Slack: may have partly happened)', arrange: (f) => f.slack.failNext(1, slackReplies.error('internal_error')), status: 'ambiguous', attempts: 1, lastError: 'slack error: internal_error', delivered: 0 },
  { name: 'channel_not_found', arrange: (f) => f.slack.failNext(1, slackReplies.error('channel_not_found')), status: 'dead', attempts: 1, lastError: 'slack error: channel_not_found', delivered: 0 },
  { name: 'invalid_auth', arrange: (f) => f.slack.failNext(1, slackReplies.error('invalid_auth')), status: 'dead', attempts: 1, lastError: 'slack error: invalid_auth', delivered: 0 },
];

it.each(cases)('slack $name → $status after $attempts attempt(s)', async (c) => {
  const quiet = c.arrange(fb);
  const id = await fb.send('slack', 1);
  const job = await fb.settled(id);
  await quiet;
  if (c.delivered > 0) await fb.slack.waitFor(() => fb.slack.messages.length === c.delivered);
  await fb.idle();

  expect({ status: job.status, attempts: job.attempts, lastError: job.lastError }).toEqual({ status: c.status, attempts: c.attempts, lastError: c.lastError });
  const posts = fb.slack.calls.filter((call) => call.path === '/api/chat.postMessage');
  expect(posts).toHaveLength(c.attempts);
  expect(fb.slack.messages.map((m) => m.text)).toEqual(Array.from({ length: c.delivered }, () => 'visit slack-1'));
  expect(job.ref).toBe(job.status === 'done' ? fb.slack.messages[0]?.ts : null);
  if (c.retryAfterMs !== undefined) expect(gapMs(posts)).toBeGreaterThanOrEqual(c.retryAfterMs);
});
