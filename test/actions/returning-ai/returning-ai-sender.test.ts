import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/actions/action.js';
import { createReturningAiSender } from '../../../src/actions/returning-ai/create-returning-ai-sender.js';
import type { ReturningAiDestination } from '../../../src/actions/returning-ai/returning-ai-config.js';
import type { ReturningAiRequest } from '../../../src/actions/returning-ai/returning-ai-request.js';
import type { Reply } from '../../fakes/fake-server.js';
import { RETURNING_AI_CHANNEL, returningAiReplies, startFakeReturningAi, type FakeReturningAi } from '../../fakes/fake-returning-ai.js';
import { closedPortUrl, sendContext } from '../send-context.js';

const dest: ReturningAiDestination = { kind: 'returning-ai', token: '${RETURNING_AI_TOKEN}', requests_per_minute: 60 };
const request: ReturningAiRequest = { channelId: RETURNING_AI_CHANNEL, message: 'Welcome back, Jane!', sender: 'bridge-bot' };
const NOW = Date.parse('2026-01-01T00:00:00Z');
let fake: FakeReturningAi;

beforeAll(async () => {
  fake = await startFakeReturningAi({ token: 'rai-test' });
});
afterEach(() => fake.reset());
afterAll(() => fake.close());

const sender = (timeoutMs = 2000, token = 'rai-test', apiUrl = fake.url) => createReturningAiSender(dest, { apiUrl, secrets: { token }, timeoutMs }, () => NOW);

describe('returning-ai sender through fetch', () => {
  it('POSTs the JSON body to /apis/v1/messages/send with the token only in the Authorization header', async () => {
    expect(await sender().send({ ...request, forumTopicId: 'T-1' }, sendContext())).toEqual({ status: 'ok', detail: { channelId: RETURNING_AI_CHANNEL } });
    const [call] = fake.calls;
    expect([call?.method, call?.path, call?.headers.authorization, call?.headers['content-type']]).toEqual(['POST', '/apis/v1/messages/send', 'Bearer rai-test', 'application/json']);
    expect(call?.json).toEqual({ channelId: RETURNING_AI_CHANNEL, message: 'Welcome back, Jane!', sender: 'bridge-bot', forumTopicId: 'T-1' });
    expect(call?.raw).not.toContain('rai-test');
    expect(fake.messages).toEqual([{ channelId: RETURNING_AI_CHANNEL, message: 'Welcome back, Jane!', sender: 'bridge-bot', forumTopicId: 'T-1' }]);
  });

  it('does not send when the job was cancelled before the attempt', async () => {
    const aborted = new AbortController();
    aborted.abort();
    expect(await sender().send(request, sendContext({ signal: aborted.signal }))).toEqual({ status: 'retry', reason: 'cancelled before sending' });
    expect(fake.calls).toHaveLength(0);
  });

  it('refuses to build a live sender without a token', () => {
    expect(() => createReturningAiSender(dest, { secrets: {}, timeoutMs: 1000 })).toThrow('a live returning-ai sender needs the token credential');
  });

  it.each<[string, Reply, Outcome]>([
    ['429 Retry-After: 2', returningAiReplies.rateLimited(2), { status: 'retry', reason: 'returning-ai 429 (Too many requests)', retryAfterMs: 2000 }],
    ['429 Retry-After as an HTTP date', { status: 429, headers: { 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' } }, { status: 'retry', reason: 'returning-ai 429', retryAfterMs: 5000 }],
    ['429 without Retry-After', { status: 429 }, { status: 'retry', reason: 'returning-ai 429' }],
    ['500', returningAiReplies.error(500, 'Internal server error'), { status: 'retry', reason: 'returning-ai 500 (Internal server error)' }],
    ['502 from a proxy', returningAiReplies.http(502), { status: 'retry', reason: 'returning-ai 502' }],
    ['503', returningAiReplies.http(503), { status: 'retry', reason: 'returning-ai 503' }],
    ['504: the gateway gave up, it may have posted', returningAiReplies.http(504), { status: 'ambiguous', reason: 'returning-ai 504' }],
    ['400', returningAiReplies.error(400, 'channelId, message and sender are required'), { status: 'fail', reason: 'returning-ai 400 (channelId, message and sender are required)' }],
    ['403', returningAiReplies.error(403, 'Forbidden'), { status: 'fail', reason: 'returning-ai 403 (Forbidden)' }],
    ['404', returningAiReplies.error(404, 'Channel not found'), { status: 'fail', reason: 'returning-ai 404 (Channel not found)' }],
    ['200 without success', { status: 200, body: { status: 'error', message: 'Sender not found' } }, { status: 'fail', reason: 'returning-ai 200 without "status": "success" (Sender not found)' }],
    ['200 that is not JSON', { status: 200, body: 'ok' }, { status: 'fail', reason: 'returning-ai 200 without "status": "success"' }],
    ['no answer (timeout)', { hang: true }, { status: 'ambiguous', reason: 'returning-ai request timed out after sending' }],
    ['reset after sending', { destroy: true }, { status: 'ambiguous', reason: 'returning-ai request failed, may have been sent: UND_ERR_SOCKET' }],
  ])('%s', async (_, reply, expected) => {
    fake.failNext(1, reply);
    expect(await sender(1000).send(request, sendContext())).toEqual(expected);
  });

  it('a wrong token is a permanent failure naming the status only', async () => {
    expect(await sender(2000, 'wrong-token').send(request, sendContext())).toEqual({ status: 'fail', reason: 'returning-ai 401 (Unauthorized)' });
  });

  it('an unknown channel is a permanent failure', async () => {
    expect(await sender().send({ ...request, channelId: 'nope' }, sendContext())).toEqual({ status: 'fail', reason: 'returning-ai 404 (Channel not found)' });
  });

  it('a connection refused before sending is retried', async () => {
    expect(await sender(2000, 'rai-test', await closedPortUrl()).send(request, sendContext())).toEqual({ status: 'retry', reason: 'returning-ai connection failed before sending: ECONNREFUSED' });
  });

  it('the fake lists channels the way the Integration API does', async () => {
    const res = await fetch(`${fake.url}/apis/v1/channels`, { headers: { authorization: 'Bearer rai-test' } });
    expect(await res.json()).toEqual({ status: 'success', data: [{ _id: RETURNING_AI_CHANNEL, topic: 'general', channelType: 'text' }] });
  });
});
