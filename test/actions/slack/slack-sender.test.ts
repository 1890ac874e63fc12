import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/actions/action.js';
import { createSlackSender } from '../../../src/actions/slack/create-slack-sender.js';
import type { SlackRequest } from '../../../src/actions/slack/slack-request.js';
import { slackReplies, startFakeSlack, type FakeSlack } from '../../fakes/fake-slack.js';
import type { Reply } from '../../fakes/fake-server.js';
import { slackKind } from '../../../src/actions/slack/slack-kind.js';
import { closedPortUrl, renderWith, sendContext } from '../send-context.js';

const dest = { kind: 'slack', token: '${SLACK_BOT_TOKEN}' } as const;
const request: SlackRequest = { channel: 'C0VIP', text: 'VIP &lt;!channel&gt; visited' };
let fake: FakeSlack;

beforeAll(async () => {
  fake = await startFakeSlack({ token: 'xoxb-test' });
});
afterEach(() => fake.reset());
afterAll(() => fake.close());

const sender = (timeoutMs = 2000, token = 'xoxb-test') => createSlackSender(dest, { apiUrl: fake.url + '/api', secrets: { token }, timeoutMs });

describe('slack sender through @slack/web-api', () => {
  it('posts a form body with channel and text, the token only in the Authorization header', async () => {
    const outcome = await sender().send(request, sendContext());

    expect(outcome).toEqual({ status: 'ok', ref: '1700000000.000100', detail: { channel: 'C0VIP' } });
    expect(fake.calls).toHaveLength(1);
    const [call] = fake.calls;
    expect(call?.path).toBe('/api/chat.postMessage');
    expect(call?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(call?.headers.authorization).toBe('Bearer xoxb-test');
    expect(call?.form).toEqual({ channel: 'C0VIP', text: 'VIP &lt;!channel&gt; visited' });
    expect(call?.raw).not.toContain('xoxb-test');
  });

  it('a hostile name rendered by buildRequest arrives as escaped text, without link_names', async () => {
    const render = renderWith(slackKind.escape, { name: '<!channel> <https://evil.example|click>' });
    const built = slackKind.buildRequest({ kind: 'slack', token: '${SLACK_BOT_TOKEN}', channel: 'C0VIP' }, { destination: 's', text: 'VIP {{ name }} visited' }, render);
    await sender().send(built, sendContext());
    expect(fake.calls[0]?.form).toEqual({ channel: 'C0VIP', text: 'VIP &lt;!channel&gt; &lt;https://evil.example|click&gt; visited' });
  });

  it('sends blocks as one JSON-encoded form field', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Jane* &lt;!here&gt;' } }];
    await sender().send({ ...request, blocks }, sendContext());

    expect(fake.messages).toEqual([expect.objectContaining({ channel: 'C0VIP', blocks })]);
    expect(fake.calls[0]?.form?.blocks).toBe(JSON.stringify(blocks));
  });

  it('a threaded message with no root yet posts on its own and returns its ts as the root memo', async () => {
    const outcome = await sender().send({ ...request, thread: { key: 'u-42', ttl_ms: 3_600_000 } }, sendContext());
    expect(fake.calls[0]?.form).toEqual({ channel: 'C0VIP', text: request.text });
    const ts = fake.messages[0]?.ts;
    expect(outcome).toEqual({ status: 'ok', ref: ts, detail: { channel: 'C0VIP' }, memos: [{ key: 'thread:C0VIP:u-42', value: ts, ttlMs: 3_600_000 }] });
  });

  it('a threaded message whose root is remembered replies in its thread (thread_ts), and records nothing', async () => {
    const root = await sender().send({ ...request, thread: { key: 'u-42' } }, sendContext());
    const reply = await sender().send({ ...request, text: 'again', thread: { key: 'u-42' } }, sendContext({ memos: { 'thread:C0VIP:u-42': String(root.status === 'ok' && root.ref) } }));
    const [first, second] = fake.messages.map((m) => m.ts);
    expect(fake.calls[1]?.form).toEqual({ channel: 'C0VIP', text: 'again', thread_ts: first });
    expect(reply).toEqual({ status: 'ok', ref: second, detail: { channel: 'C0VIP' } });
    expect(fake.messages.map((m) => m.threadTs)).toEqual([undefined, first]);
  });

  it('a thread root Slack no longer has is a permanent failure with its code', async () => {
    const outcome = await sender().send({ ...request, thread: { key: 'u-42' } }, sendContext({ memos: { 'thread:C0VIP:u-42': '1600000000.000001' } }));
    expect(outcome).toEqual({ status: 'fail', reason: 'slack error: thread_not_found' });
  });

  it('update: the first message posts and is remembered as `<channel id> <ts>` for `for`', async () => {
    const outcome = await sender().send({ ...request, update: { key: 'u-42', ttl_ms: 604_800_000 } }, sendContext());
    const ts = fake.messages[0]?.ts;
    expect(fake.calls.map((c) => c.path)).toEqual(['/api/chat.postMessage']);
    expect(outcome).toEqual({ status: 'ok', ref: ts, detail: { channel: 'C0VIP' }, memos: [{ key: 'update:C0VIP:u-42', value: `C0VIP ${ts}`, ttlMs: 604_800_000 }] });
  });

  it('update: a repeat edits the remembered message with chat.update (its channel id and ts) and records nothing', async () => {
    await sender().send(request, sendContext());
    const ts = fake.messages[0]?.ts ?? '';
    const outcome = await sender().send(
      { ...request, text: 'Jane visited 3 times', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*3*' } }], update: { key: 'u-42', ttl_ms: 1000 } },
      sendContext({ memos: { 'update:C0VIP:u-42': `C0VIP ${ts}` } }),
    );
    expect(fake.calls[1]?.path).toBe('/api/chat.update');
    expect(fake.calls[1]?.form).toEqual({ channel: 'C0VIP', ts, text: 'Jane visited 3 times', blocks: '[{"type":"section","text":{"type":"mrkdwn","text":"*3*"}}]' });
    expect(outcome).toEqual({ status: 'ok', ref: ts, detail: { channel: 'C0VIP', updated: true } });
    expect(fake.messages.map((m) => [m.ts, m.text])).toEqual([[ts, 'Jane visited 3 times']]);
  });

  it.each(['message_not_found', 'cant_update_message', 'edit_window_closed'])('update: when chat.update answers %s, a new message posts and becomes the one repeats edit', async (code) => {
    fake.failNext(1, slackReplies.error(code), (c) => c.path === '/api/chat.update');
    const outcome = await sender().send({ ...request, update: { key: 'u-42', ttl_ms: 60_000 } }, sendContext({ memos: { 'update:C0VIP:u-42': 'C0VIP 1600000000.000001' } }));
    const ts = fake.messages[0]?.ts;
    expect(fake.calls.map((c) => c.path)).toEqual(['/api/chat.update', '/api/chat.postMessage']);
    expect(outcome).toEqual({ status: 'ok', ref: ts, detail: { channel: 'C0VIP' }, memos: [{ key: 'update:C0VIP:u-42', value: `C0VIP ${ts}`, ttlMs: 60_000 }] });
  });

  it.each<[string, Reply, Outcome]>([
    ['429', slackReplies.rateLimited(0), { status: 'retry', reason: 'slack rate limited (429)', retryAfterMs: 0 }],
    ['500', slackReplies.http(500), { status: 'retry', reason: 'slack http 500' }],
    ['invalid_auth', slackReplies.error('invalid_auth'), { status: 'fail', reason: 'slack error: invalid_auth' }],
  ])('update: chat.update %s is classified like a post, and nothing is posted', async (_name, reply, expected) => {
    fake.failNext(1, reply, (c) => c.path === '/api/chat.update');
    const outcome = await sender().send({ ...request, update: { key: 'u-42', ttl_ms: 60_000 } }, sendContext({ memos: { 'update:C0VIP:u-42': 'C0VIP 1600000000.000001' } }));
    expect(outcome).toEqual(expected);
    expect(fake.calls.map((c) => c.path)).toEqual(['/api/chat.update']);
  });

  it('does not send when the job was cancelled before the attempt', async () => {
    const aborted = new AbortController();
    aborted.abort();
    expect(await sender().send(request, sendContext({ signal: aborted.signal }))).toEqual({ status: 'retry', reason: 'cancelled before sending' });
    expect(fake.calls).toHaveLength(0);
  });

  it('refuses to build a live sender without a token', () => {
    expect(() => createSlackSender(dest, { secrets: {}, timeoutMs: 1000 })).toThrow('a live slack sender needs the token or webhook_url credential');
  });

  it.each<[string, Reply, Outcome]>([
    ['channel_not_found', slackReplies.error('channel_not_found'), { status: 'fail', reason: 'slack error: channel_not_found' }],
    ['not_in_channel', slackReplies.error('not_in_channel'), { status: 'fail', reason: 'slack error: not_in_channel' }],
    ['is_archived', slackReplies.error('is_archived'), { status: 'fail', reason: 'slack error: is_archived' }],
    ['invalid_auth', slackReplies.error('invalid_auth'), { status: 'fail', reason: 'slack error: invalid_auth' }],
    ['not_authed', slackReplies.error('not_authed'), { status: 'fail', reason: 'slack error: not_authed' }],
    ['account_inactive', slackReplies.error('account_inactive'), { status: 'fail', reason: 'slack error: account_inactive' }],
    ['token_revoked', slackReplies.error('token_revoked'), { status: 'fail', reason: 'slack error: token_revoked' }],
    ['msg_too_long', slackReplies.error('msg_too_long'), { status: 'fail', reason: 'slack error: msg_too_long' }],
    ['no_text', slackReplies.error('no_text'), { status: 'fail', reason: 'slack error: no_text' }],
    ['invalid_blocks', slackReplies.error('invalid_blocks'), { status: 'fail', reason: 'slack error: invalid_blocks' }],
    ['ratelimited in the body', slackReplies.error('ratelimited'), { status: 'retry', reason: 'slack error: ratelimited' }],
    ['rate_limited in the body', slackReplies.error('rate_limited'), { status: 'retry', reason: 'slack error: rate_limited' }],
    ['service_unavailable', slackReplies.error('service_unavailable'), { status: 'retry', reason: 'slack error: service_unavailable' }],
    ['internal_error (may have posted)', slackReplies.error('internal_error'), { status: 'ambiguous', reason: 'slack error: internal_error' }],
    ['fatal_error (may have posted)', slackReplies.error('fatal_error'), { status: 'ambiguous', reason: 'slack error: fatal_error' }],
    ['429 Retry-After: 0', slackReplies.rateLimited(0), { status: 'retry', reason: 'slack rate limited (429)', retryAfterMs: 0 }],
    // rejectRateLimitedCalls: the client rejects at once instead of sleeping 30 s.
    ['429 Retry-After: 30', slackReplies.rateLimited(30), { status: 'retry', reason: 'slack rate limited (429)', retryAfterMs: 30_000 }],
    ['429 without Retry-After', { status: 429, body: { ok: false, error: 'ratelimited' } }, { status: 'retry', reason: 'slack rate limited (429, no Retry-After)' }],
    ['HTTP 500', slackReplies.http(500), { status: 'retry', reason: 'slack http 500' }],
    ['HTTP 503', slackReplies.http(503), { status: 'retry', reason: 'slack http 503' }],
    ['HTTP 408', slackReplies.http(408), { status: 'retry', reason: 'slack http 408' }],
    ['HTTP 404', slackReplies.http(404), { status: 'fail', reason: 'slack http 404' }],
    ['HTTP 400', slackReplies.http(400), { status: 'fail', reason: 'slack http 400' }],
    ['reset after the request was sent', { destroy: true }, { status: 'ambiguous', reason: 'slack request failed, may have been sent: UND_ERR_SOCKET' }],
    ['no answer within the timeout', { hang: true }, { status: 'ambiguous', reason: 'slack request timed out after sending' }],
  ])('%s → %j', async (_name, reply, expected) => {
    fake.failNext(1, reply);
    // Only the hanging reply waits out the timeout; an answered one gets a timeout a loaded machine cannot hit.
    const timeoutMs = (reply as { hang?: boolean }).hang === true ? 200 : 5000;
    expect(await sender(timeoutMs).send(request, sendContext())).toEqual(expected);
    expect(fake.calls).toHaveLength(1); // the client's own retries are off
  });

  it('classifies a refused connection as retry (nothing was sent)', async () => {
    const closed = createSlackSender(dest, { apiUrl: `${await closedPortUrl()}/api/`, secrets: { token: 'xoxb-test' }, timeoutMs: 2000 });
    expect(await closed.send(request, sendContext())).toEqual({ status: 'retry', reason: 'slack connection failed before sending: ECONNREFUSED' });
  });

  it('keeps the token out of every reason', async () => {
    fake.failNext(1, slackReplies.error('invalid_auth'));
    const outcome = await sender(2000, 'xoxb-secret-value').send(request, sendContext());
    expect(JSON.stringify(outcome)).not.toContain('xoxb-secret-value');
  });
});
