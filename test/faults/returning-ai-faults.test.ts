import { afterEach, beforeEach, expect, it } from 'vitest';
import { RETURNING_AI_CHANNEL, returningAiReplies, startFakeReturningAi, type FakeReturningAi } from '../fakes/fake-returning-ai.js';
import { FAULT_RULES, startFaultBridge, type FaultBridge, type FaultBridgeOptions } from './fault-bridge.js';
import { gapMs, slowFirst } from './fault-case.js';
import type { JobStatus } from '../../src/store/job-queue.js';

/**
 * Returning.AI faults through the real sender (fetch) against the fake Integration API. A message
 * send has no idempotency key, so a timeout or reset after sending is recorded as ambiguous and
 * never retried (it could post twice); everything known not to have posted is retried.
 * The visit's `user.name` starts with `hubspot-` (fault-bridge routes); only this rule listens to it here.
 */

const RULES = `${FAULT_RULES.replace(/\nrules:\n[\s\S]*$/, '')}
  community: { kind: returning-ai, token: "\${RETURNING_AI_TOKEN}", channel_id: "${RETURNING_AI_CHANNEL}", sender: bridge-bot }
rules:
  - name: to-hubspot
    on: user.visited
    actions: [{ returning-ai: { destination: community, message: "welcome back {{ user.name }}" } }]
`;

let rai: FakeReturningAi;
let fb: FaultBridge;
const start = async (opts: FaultBridgeOptions = {}) => {
  rai = await startFakeReturningAi({ token: 'rai-faults' });
  fb = await startFaultBridge({ rules: RULES, ...opts, env: { ACTION_TIMEOUT_MS: '1000', RETURNING_AI_TOKEN: 'rai-faults', RETURNING_AI_API_URL: rai.url, ...opts.env } });
};
beforeEach(async () => {
  await start();
});
afterEach(async () => {
  await fb?.close();
  await rai?.close();
});

interface Case {
  readonly name: string;
  readonly arrange: (f: FakeReturningAi) => void | Promise<void>;
  readonly status: JobStatus;
  readonly attempts: number;
  readonly lastError: string;
  readonly delivered: number;
  readonly retryAfterMs?: number;
}

const cases: Case[] = [
  { name: '429 with Retry-After: 1', arrange: (f) => f.failNext(1, returningAiReplies.rateLimited(1)), status: 'done', attempts: 2, lastError: 'returning-ai 429 (Too many requests)', delivered: 1, retryAfterMs: 1000 },
  { name: 'HTTP 503', arrange: (f) => f.failNext(1, returningAiReplies.http(503)), status: 'done', attempts: 2, lastError: 'returning-ai 503', delivered: 1 },
  { name: 'HTTP 500 twice', arrange: (f) => f.failNext(2, returningAiReplies.error(500, 'Internal server error')), status: 'done', attempts: 3, lastError: 'returning-ai 500 (Internal server error)', delivered: 1 },
  { name: 'no answer (timeout)', arrange: (f) => f.failNext(1, { hang: true }), status: 'ambiguous', attempts: 1, lastError: 'returning-ai request timed out after sending', delivered: 0 },
  { name: 'posted, answered after the timeout', arrange: (f) => slowFirst(f, 2000), status: 'ambiguous', attempts: 1, lastError: 'returning-ai request timed out after sending', delivered: 1 },
  { name: 'connection reset after sending', arrange: (f) => f.failNext(1, { destroy: true }), status: 'ambiguous', attempts: 1, lastError: 'returning-ai request failed, may have been sent: UND_ERR_SOCKET', delivered: 0 },
  { name: '504 from the gateway', arrange: (f) => f.failNext(1, returningAiReplies.http(504)), status: 'ambiguous', attempts: 1, lastError: 'returning-ai 504', delivered: 0 },
  { name: '401 Unauthorized', arrange: (f) => f.failNext(1, returningAiReplies.error(401, 'Unauthorized')), status: 'dead', attempts: 1, lastError: 'returning-ai 401 (Unauthorized)', delivered: 0 },
  { name: '404 Channel not found', arrange: (f) => f.failNext(1, returningAiReplies.error(404, 'Channel not found')), status: 'dead', attempts: 1, lastError: 'returning-ai 404 (Channel not found)', delivered: 0 },
];

it.each(cases)('returning-ai $name → $status after $attempts attempt(s)', async (c) => {
  const quiet = c.arrange(rai);
  const id = await fb.send('hubspot', 1);
  const job = await fb.settled(id);
  await quiet;
  if (c.delivered > 0) await rai.waitFor(() => rai.messages.length === c.delivered);
  await fb.idle();

  expect({ status: job.status, attempts: job.attempts, lastError: job.lastError }).toEqual({ status: c.status, attempts: c.attempts, lastError: c.lastError });
  const sends = rai.sendCalls();
  expect(sends).toHaveLength(c.attempts);
  expect(sends.every((s) => s.headers.authorization === 'Bearer rai-faults')).toBe(true);
  expect(rai.messages).toEqual(Array.from({ length: c.delivered }, () => ({ channelId: RETURNING_AI_CHANNEL, message: 'welcome back hubspot-1', sender: 'bridge-bot' })));
  if (c.retryAfterMs !== undefined) expect(gapMs(sends)).toBeGreaterThanOrEqual(c.retryAfterMs);
});

it('a failure that never ends: dead after maxAttempts, with the last error', async () => {
  await fb.close();
  await rai.close();
  await start({ policy: { maxAttempts: 3, breaker: { threshold: 1000, openMs: 1000 } } });
  rai.failNext(100, returningAiReplies.http(502));
  const id = await fb.send('hubspot', 1);
  expect(await fb.settled(id)).toMatchObject({ status: 'dead', attempts: 3, lastError: 'out of attempts (3): returning-ai 502' });
  await fb.idle();
  expect(rai.sendCalls()).toHaveLength(3);
  expect(rai.messages).toEqual([]);
});

it('a 429 holds the next message on that token for Retry-After (longer than the 1 s pacing)', async () => {
  rai.failNext(1, returningAiReplies.rateLimited(2));
  const first = await fb.send('hubspot', 1);
  await rai.waitFor(() => rai.calls.length === 1);
  const second = await fb.send('hubspot', 2);
  await Promise.all([fb.settled(first), fb.settled(second)]);
  const [limited, ...rest] = rai.sendCalls();
  expect(rest).toHaveLength(2);
  for (const call of rest) expect(call.at - limited!.at).toBeGreaterThanOrEqual(2000);
  expect((await fb.job(second)).attempts).toBe(1);
});
