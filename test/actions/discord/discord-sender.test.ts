import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome, Sender } from '../../../src/actions/action.js';
import { createDiscordSender } from '../../../src/actions/discord/create-discord-sender.js';
import type { DiscordRequest } from '../../../src/actions/discord/discord-request.js';
import { discordReplies, startFakeDiscord, type FakeDiscord } from '../../fakes/fake-discord.js';
import type { Reply } from '../../fakes/fake-server.js';
import { discordKind } from '../../../src/actions/discord/discord-kind.js';
import { closedPortUrl, renderWith, sendContext } from '../send-context.js';

const WEBHOOK_ID = '333333333333333333';
const WEBHOOK_TOKEN = 't'.repeat(68);
const WEBHOOK_URL = `https://discord.com/api/webhooks/${WEBHOOK_ID}/${WEBHOOK_TOKEN}`;
const BOT_TOKEN = 'bot-token-test';
const webhookDest = { kind: 'discord', webhook_url: '${DISCORD_WEBHOOK_URL}' } as const;
const botDest = { kind: 'discord', bot_token: '${DISCORD_BOT_TOKEN}', channel_id: '444444444444444444' } as const;
const request: DiscordRequest = { content: 'Welcome @\u200beveryone \\[x\\]\\(https://evil\\)', username: 'Bridge', allowed_mentions: { parse: [] } };
const botRequest: DiscordRequest = { content: 'hello', channel_id: '444444444444444444', allowed_mentions: { parse: [] } };

let fake: FakeDiscord;
const senders: Sender<DiscordRequest>[] = [];
beforeAll(async () => {
  fake = await startFakeDiscord({ webhooks: [{ id: WEBHOOK_ID, token: WEBHOOK_TOKEN }], botToken: BOT_TOKEN });
});
afterEach(async () => {
  fake.reset();
  await Promise.all(senders.splice(0).map((s) => s.close?.()));
});
afterAll(() => fake.close());

function webhookSender(timeoutMs = 2000, apiUrl = fake.apiUrl) {
  const sender = createDiscordSender(webhookDest, { apiUrl, secrets: { webhook_url: WEBHOOK_URL }, timeoutMs });
  senders.push(sender);
  return sender;
}
function botSender(timeoutMs = 2000, apiUrl = fake.apiUrl) {
  const sender = createDiscordSender(botDest, { apiUrl, secrets: { bot_token: BOT_TOKEN }, timeoutMs });
  senders.push(sender);
  return sender;
}

describe('discord webhook sender through discord.js', () => {
  it('executes the webhook with wait=true, no Authorization, and the exact JSON', async () => {
    const outcome = await webhookSender().send(
      { ...request, embeds: [{ title: 'Joined', color: 5763719, fields: [{ name: 'Who', value: 'Jane', inline: true }] }] },
      sendContext(),
    );

    expect(outcome).toEqual({ status: 'ok', ref: fake.messages[0]?.id, detail: { channel_id: '111111111111111111' } });
    const [call] = fake.calls;
    expect(call?.url).toBe(`/api/v10/webhooks/${WEBHOOK_ID}/${WEBHOOK_TOKEN}?wait=true`);
    expect(call?.headers.authorization).toBeUndefined();
    expect(call?.json).toMatchObject({
      content: 'Welcome @\u200beveryone \\[x\\]\\(https://evil\\)',
      username: 'Bridge',
      allowed_mentions: { parse: [] },
      embeds: [{ title: 'Joined', color: 5763719, fields: [{ name: 'Who', value: 'Jane', inline: true }] }],
    });
  });

  it('a hostile name rendered by buildRequest arrives escaped, with nothing allowed to ping', async () => {
    const render = renderWith(discordKind.escape, { name: '@everyone [click](https://evil.example) <@123456789012345678>' });
    const built = discordKind.buildRequest({ kind: 'discord', webhook_url: '${DISCORD_WEBHOOK_URL}' }, { destination: 'd', content: 'Welcome {{ name }}' }, render);
    await webhookSender().send(built, sendContext());
    expect(fake.calls[0]?.json).toMatchObject({
      content: 'Welcome @\u200beveryone \\[click\\]\\(https://evil.example\\) \\<@123456789012345678>',
      allowed_mentions: { parse: [] },
    });
  });

  it('passes explicit mentions through as allowed_mentions', async () => {
    await webhookSender().send({ content: '<@42>', allowed_mentions: { parse: ['everyone'], users: ['42'] } }, sendContext());
    expect((fake.calls[0]?.json as { allowed_mentions?: unknown }).allowed_mentions).toEqual({ parse: ['everyone'], users: ['42'] });
  });

  it.each([['webhook', webhookSender], ['bot', botSender]] as const)('%s: loads discord.js when made, so ready() resolves with nothing sent (the bridge sends nothing before it)', async (_route, make) => {
    const sender = make();
    expect(sender.ready).toBeTypeOf('function');
    await expect(sender.ready?.()).resolves.toBeUndefined();
    expect(fake.calls).toEqual([]);
  });

  it('refuses a webhook URL that is not Discord’s, and no credentials at all', () => {
    expect(() => createDiscordSender(webhookDest, { secrets: { webhook_url: 'https://evil.example/x' }, timeoutMs: 1 })).toThrow(/not a Discord webhook URL/);
    expect(() => createDiscordSender(webhookDest, { secrets: {}, timeoutMs: 1 })).toThrow('a live discord sender needs the webhook_url or bot_token credential');
  });
});

describe('discord bot sender through discord.js REST', () => {
  it('creates the message with the bot token, a nonce from the idempotency key and enforce_nonce', async () => {
    const ctx = sendContext({ idempotencyKey: 'evt-9:welcome:0' });
    const outcome = await botSender().send(botRequest, ctx);

    const nonce = createHash('sha256').update('evt-9:welcome:0').digest('hex').slice(0, 25);
    const [call] = fake.calls;
    expect(call?.path).toBe('/api/v10/channels/444444444444444444/messages');
    expect(call?.headers.authorization).toBe(`Bot ${BOT_TOKEN}`);
    expect(call?.json).toEqual({ content: 'hello', allowed_mentions: { parse: [] }, nonce, enforce_nonce: true });
    expect(outcome).toEqual({ status: 'ok', ref: fake.messages[0]?.id, detail: { channel_id: '444444444444444444' } });
  });

  it('does not post twice when the same job is retried (Discord dedupes the nonce)', async () => {
    const sender = botSender();
    const first = await sender.send(botRequest, sendContext());
    const again = await sender.send(botRequest, sendContext());
    expect(again).toEqual(first);
    expect(fake.calls).toHaveLength(2);
    expect(fake.messages).toHaveLength(1);
  });

  it('recovers after a 401 once the token is valid again', async () => {
    const sender = botSender();
    fake.failNext(1, discordReplies.error(401, 0, '401: Unauthorized'));
    expect(await sender.send(botRequest, sendContext())).toEqual({ status: 'fail', reason: 'discord 401 (code 0: 401: Unauthorized)' });
    expect(await sender.send(botRequest, sendContext())).toMatchObject({ status: 'ok' });
  });
});

describe('discord classification through the fake', () => {
  const cases: [string, Reply, Outcome, Outcome][] = [
    ['429 Retry-After: 0', discordReplies.rateLimited(0), { status: 'retry', reason: 'discord rate limited (user)', retryAfterMs: 0 }, { status: 'retry', reason: 'discord rate limited (user)', retryAfterMs: 0 }],
    ['429 Retry-After: 7', discordReplies.rateLimited(7), { status: 'retry', reason: 'discord rate limited (user)', retryAfterMs: 7000 }, { status: 'retry', reason: 'discord rate limited (user)', retryAfterMs: 7000 }],
    ['global 429', discordReplies.rateLimited(0, true), { status: 'retry', reason: 'discord rate limited (global)', retryAfterMs: 0 }, { status: 'retry', reason: 'discord rate limited (global)', retryAfterMs: 0 }],
    ['404 Unknown Webhook', discordReplies.error(404, 10015, 'Unknown Webhook'), { status: 'fail', reason: 'discord 404 (code 10015: Unknown Webhook)' }, { status: 'fail', reason: 'discord 404 (code 10015: Unknown Webhook)' }],
    ['400 Invalid Form Body', discordReplies.error(400, 50035, 'Invalid Form Body'), { status: 'fail', reason: 'discord 400 (code 50035: Invalid Form Body)' }, { status: 'fail', reason: 'discord 400 (code 50035: Invalid Form Body)' }],
    ['403 Missing Permissions', discordReplies.error(403, 50013, 'Missing Permissions'), { status: 'fail', reason: 'discord 403 (code 50013: Missing Permissions)' }, { status: 'fail', reason: 'discord 403 (code 50013: Missing Permissions)' }],
    ['502', discordReplies.http(502), { status: 'retry', reason: 'discord http 502' }, { status: 'retry', reason: 'discord http 502' }],
    ['503', discordReplies.http(503), { status: 'retry', reason: 'discord http 503' }, { status: 'retry', reason: 'discord http 503' }],
    ['reset after sending', { destroy: true }, { status: 'ambiguous', reason: 'discord request failed: UND_ERR_SOCKET, may have been sent' }, { status: 'retry', reason: 'discord request failed: UND_ERR_SOCKET (nonce makes a retry safe)' }],
    ['no answer within the timeout', { hang: true }, { status: 'ambiguous', reason: 'discord request timed out, may have been sent' }, { status: 'retry', reason: 'discord request timed out (nonce makes a retry safe)' }],
  ];

  it.each(cases)('%s (webhook)', async (_name, reply, webhookOutcome) => {
    fake.failNext(1, reply);
    expect(await webhookSender(200).send(request, sendContext())).toEqual(webhookOutcome);
    expect(fake.calls).toHaveLength(1); // the client's own retries are off
  });

  it.each(cases)('%s (bot)', async (_name, reply, _webhookOutcome, botOutcome) => {
    fake.failNext(1, reply);
    expect(await botSender(200).send(botRequest, sendContext())).toEqual(botOutcome);
    expect(fake.calls).toHaveLength(1);
  });

  it('follows the rate-limit headers: once a bucket is known to be empty it rejects before sending', async () => {
    const limited = await startFakeDiscord({ rateLimit: { limit: 1, windowMs: 60_000 } });
    try {
      const sender = createDiscordSender(webhookDest, { apiUrl: limited.apiUrl, secrets: { webhook_url: WEBHOOK_URL }, timeoutMs: 2000 });
      senders.push(sender);
      expect(await sender.send(request, sendContext())).toMatchObject({ status: 'ok' });
      // The first answer names the bucket; the client learns it for the requests after the next.
      const outcomes = [await sender.send(request, sendContext()), await sender.send(request, sendContext())];
      for (const outcome of outcomes) {
        expect(outcome).toMatchObject({ status: 'retry', reason: 'discord rate limited (user)' });
        expect(outcome.status === 'retry' && outcome.retryAfterMs).toBeGreaterThan(50_000);
      }
      expect(limited.calls).toHaveLength(2);
    } finally {
      await limited.close();
    }
  });

  it('classifies a refused connection as retry for both modes', async () => {
    const api = `${await closedPortUrl()}/api`;
    const expected = { status: 'retry', reason: 'discord connection failed before sending: ECONNREFUSED' };
    expect(await webhookSender(2000, api).send(request, sendContext())).toEqual(expected);
    expect(await botSender(2000, api).send(botRequest, sendContext())).toEqual(expected);
  });

  it('keeps the webhook token out of every reason', async () => {
    fake.failNext(1, discordReplies.http(502));
    fake.failNext(1, discordReplies.error(404, 10015, 'Unknown Webhook'));
    const sender = webhookSender();
    const reasons = JSON.stringify([await sender.send(request, sendContext()), await sender.send(request, sendContext())]);
    expect(reasons).not.toContain(WEBHOOK_TOKEN);
  });
});

describe('discord update in place through discord.js', () => {
  const update = { key: 'u-42', ttl_ms: 604_800_000 };
  const memo = (key: string, id: string, channel = '111111111111111111') => ({ memos: { [key]: `${channel} ${id}` } });

  it.each([
    ['webhook', () => webhookSender(), { ...request, update }, 'update:webhook:u-42', '111111111111111111'],
    ['bot', () => botSender(), { ...botRequest, update }, 'update:444444444444444444:u-42', '444444444444444444'],
  ] as const)('%s: the first message posts and is remembered as `<channel id> <message id>` for `for`', async (_mode, make, first, key, channel) => {
    const outcome = await make().send(first, sendContext());
    const id = fake.messages[0]?.id ?? '';
    expect(outcome).toEqual({ status: 'ok', ref: id, detail: { channel_id: channel }, memos: [{ key, value: `${channel} ${id}`, ttlMs: 604_800_000 }] });
    expect(fake.calls[0]?.json).not.toHaveProperty('update');
  });

  it('webhook: a repeat edits the remembered message (PATCH /webhooks/:id/:token/messages/:id), replacing content and embeds', async () => {
    const sender = webhookSender();
    await sender.send({ ...request, embeds: [{ title: 'first' }] }, sendContext());
    const id = fake.messages[0]?.id ?? '';
    const outcome = await sender.send({ content: 'Jane Doe visited 3 times this week', allowed_mentions: { parse: [] }, update }, sendContext(memo('update:webhook:u-42', id)));

    expect(fake.calls[1]).toMatchObject({ method: 'PATCH', path: `/api/v10/webhooks/${WEBHOOK_ID}/${WEBHOOK_TOKEN}/messages/${id}` });
    expect(fake.calls[1]?.headers.authorization).toBeUndefined();
    // discord.js's message payload adds tts and enforce_nonce, which an edit ignores.
    expect(fake.calls[1]?.json).toEqual({ content: 'Jane Doe visited 3 times this week', embeds: [], allowed_mentions: { parse: [] }, tts: false, enforce_nonce: false });
    expect(outcome).toEqual({ status: 'ok', ref: id, detail: { channel_id: '111111111111111111', updated: true } });
    expect(fake.messages).toHaveLength(1);
    expect(fake.current(id)).toMatchObject({ content: 'Jane Doe visited 3 times this week', embeds: [] });
  });

  it('bot: a repeat edits the remembered message (PATCH /channels/:id/messages/:id) with the bot token and no nonce', async () => {
    const sender = botSender();
    await sender.send(botRequest, sendContext());
    const id = fake.messages[0]?.id ?? '';
    const outcome = await sender.send({ ...botRequest, content: 'Jane Doe visited 3 times this week', update }, sendContext(memo('update:444444444444444444:u-42', id, '444444444444444444')));

    expect(fake.calls[1]).toMatchObject({ method: 'PATCH', path: `/api/v10/channels/444444444444444444/messages/${id}` });
    expect(fake.calls[1]?.headers.authorization).toBe(`Bot ${BOT_TOKEN}`);
    expect(fake.calls[1]?.json).toEqual({ content: 'Jane Doe visited 3 times this week', embeds: [], allowed_mentions: { parse: [] } });
    expect(outcome).toEqual({ status: 'ok', ref: id, detail: { channel_id: '444444444444444444', updated: true } });
  });

  it.each([
    ['webhook', () => webhookSender(), { ...request, update }, 'update:webhook:u-42', '111111111111111111'],
    ['bot', () => botSender(), { ...botRequest, update }, 'update:444444444444444444:u-42', '444444444444444444'],
  ] as const)('%s: a message deleted since (404 Unknown Message) is posted anew and becomes the one repeats edit', async (_mode, make, repeat, key, channel) => {
    const sender = make();
    await sender.send(repeat, sendContext());
    const gone = fake.messages[0]?.id ?? '';
    fake.deleteMessage(gone);
    // The repeat is another job: another idempotency key (so another nonce for a bot).
    const outcome = await sender.send(repeat, sendContext({ idempotencyKey: 'evt-2:r:0', ...memo(key, gone, channel) }));

    const fresh = fake.messages[1]?.id ?? '';
    expect(fake.calls.map((c) => c.method)).toEqual(['POST', 'PATCH', 'POST']);
    expect(fresh).not.toBe(gone);
    expect(outcome).toEqual({ status: 'ok', ref: fresh, detail: { channel_id: channel }, memos: [{ key, value: `${channel} ${fresh}`, ttlMs: 604_800_000 }] });
  });

  const editCases: [string, Reply, Outcome][] = [
    ['429', discordReplies.rateLimited(0), { status: 'retry', reason: 'discord rate limited (user)', retryAfterMs: 0 }],
    ['502', discordReplies.http(502), { status: 'retry', reason: 'discord http 502' }],
    ['503', discordReplies.http(503), { status: 'retry', reason: 'discord http 503' }],
    ['no answer within the timeout', { hang: true }, { status: 'retry', reason: 'discord request timed out (an edit is safe to repeat)' }],
    ['403 Missing Permissions', discordReplies.error(403, 50013, 'Missing Permissions'), { status: 'fail', reason: 'discord 403 (code 50013: Missing Permissions)' }],
    ['404 Unknown Webhook', discordReplies.error(404, 10015, 'Unknown Webhook'), { status: 'fail', reason: 'discord 404 (code 10015: Unknown Webhook)' }],
  ];

  it.each(editCases)('webhook: an edit answered %s is classified, and nothing is posted', async (_name, reply, expected) => {
    const sender = webhookSender(1000);
    await sender.send(request, sendContext());
    const id = fake.messages[0]?.id ?? '';
    fake.failNext(1, reply, (c) => c.method === 'PATCH');
    expect(await sender.send({ ...request, update }, sendContext(memo('update:webhook:u-42', id)))).toEqual(expected);
    expect(fake.calls.map((c) => c.method)).toEqual(['POST', 'PATCH']);
    expect(fake.messages).toHaveLength(1);
  });

  it.each(editCases)('bot: an edit answered %s is classified, and nothing is posted', async (_name, reply, expected) => {
    const sender = botSender(1000);
    await sender.send(botRequest, sendContext());
    const id = fake.messages[0]?.id ?? '';
    fake.failNext(1, reply, (c) => c.method === 'PATCH');
    expect(await sender.send({ ...botRequest, update }, sendContext(memo('update:444444444444444444:u-42', id, '444444444444444444')))).toEqual(expected);
    expect(fake.calls.map((c) => c.method)).toEqual(['POST', 'PATCH']);
  });
});
