import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discordReplies } from '../fakes/fake-discord.js';
import { startFaultBridge, type FaultBridge, type Route } from './fault-bridge.js';
import { gapMs, slowFirst, type FaultCase } from './fault-case.js';

/**
 * Discord faults through the real discord.js REST client against the fake Discord. A channel
 * webhook has no idempotency key: a timeout or reset after sending is ambiguous and not retried. A
 * bot message carries a nonce with enforce_nonce, so the same failure is retried and Discord
 * returns the first message instead of posting again.
 */

let fb: FaultBridge;
beforeEach(async () => {
  fb = await startFaultBridge({ env: { ACTION_TIMEOUT_MS: '1000' } });
});
afterEach(async () => {
  await fb?.close();
});

const content = (route: Route) => `visit ${route}-1`;

const cases: (FaultCase & { route: Route })[] = [
  { route: 'webhook', name: '429 with Retry-After: 0.5', arrange: (f) => f.discord.failNext(1, discordReplies.rateLimited(0.5)), status: 'done', attempts: 2, lastError: 'discord rate limited (user)', delivered: 1, retryAfterMs: 500 },
  { route: 'webhook', name: 'HTTP 502', arrange: (f) => f.discord.failNext(1, discordReplies.http(502)), status: 'done', attempts: 2, lastError: 'discord http 502', delivered: 1 },
  { route: 'webhook', name: 'HTTP 500 three times', arrange: (f) => f.discord.failNext(3, discordReplies.http(500)), status: 'done', attempts: 4, lastError: 'discord http 500', delivered: 1 },
  { route: 'webhook', name: 'no answer (timeout)', arrange: (f) => f.discord.failNext(1, { hang: true }), status: 'ambiguous', attempts: 1, lastError: 'discord request timed out, may have been sent', delivered: 0 },
  { route: 'webhook', name: 'posted, answered after the timeout', arrange: (f) => slowFirst(f.discord, 2000), status: 'ambiguous', attempts: 1, lastError: 'discord request timed out, may have been sent', delivered: 1 },
  { route: 'webhook', name: 'connection reset after sending', arrange: (f) => f.discord.failNext(1, { destroy: true }), status: 'ambiguous', attempts: 1, lastError: 'discord request failed: UND_ERR_SOCKET, may have been sent', delivered: 0 },
  { route: 'webhook', name: '404 Unknown Webhook', arrange: (f) => f.discord.failNext(1, discordReplies.error(404, 10015, 'Unknown Webhook')), status: 'dead', attempts: 1, lastError: 'discord 404 (code 10015: Unknown Webhook)', delivered: 0 },
  { route: 'bot', name: '429 with Retry-After: 0.5', arrange: (f) => f.discord.failNext(1, discordReplies.rateLimited(0.5)), status: 'done', attempts: 2, lastError: 'discord rate limited (user)', delivered: 1, retryAfterMs: 500 },
  { route: 'bot', name: 'no answer (timeout)', arrange: (f) => f.discord.failNext(1, { hang: true }), status: 'done', attempts: 2, lastError: 'discord request timed out (nonce makes a retry safe)', delivered: 1 },
  { route: 'bot', name: 'posted, answered after the timeout', arrange: (f) => slowFirst(f.discord, 2000), status: 'done', attempts: 2, lastError: 'discord request timed out (nonce makes a retry safe)', delivered: 1 },
  { route: 'bot', name: 'connection reset after sending', arrange: (f) => f.discord.failNext(1, { destroy: true }), status: 'done', attempts: 2, lastError: 'discord request failed: UND_ERR_SOCKET (nonce makes a retry safe)', delivered: 1 },
  { route: 'bot', name: '401 Unauthorized', arrange: (f) => f.discord.failNext(1, discordReplies.error(401, 0, '401: Unauthorized')), status: 'dead', attempts: 1, lastError: 'discord 401 (code 0: 401: Unauthorized)', delivered: 0 },
];

it.each(cases)('discord $route $name → $status after $attempts attempt(s)', async (c) => {
  const quiet = c.arrange(fb);
  const id = await fb.send(c.route, 1);
  const job = await fb.settled(id);
  await quiet;
  if (c.delivered > 0 && fb.discord.messages.length === 0) console.log("JOB", JSON.stringify(job), fb.discord.calls.length, fb.discord.url);
  if (c.delivered > 0) await fb.discord.waitFor(() => fb.discord.messages.length === c.delivered);
  // A slowed first request may still be on its way into the fake's records.
  await fb.discord.waitFor(() => fb.discord.calls.length === c.attempts);
  await fb.idle();

  expect({ status: job.status, attempts: job.attempts, lastError: job.lastError }).toEqual({ status: c.status, attempts: c.attempts, lastError: c.lastError });
  expect(fb.discord.calls).toHaveLength(c.attempts);
  expect(fb.discord.messages.map((m) => m.body.content)).toEqual(Array.from({ length: c.delivered }, () => content(c.route)));
  expect(job.ref).toBe(job.status === 'done' ? fb.discord.messages[0]?.id : null);
  if (c.route === 'bot') expect(new Set(fb.discord.calls.map((call) => (call.json as { nonce?: string }).nonce)).size).toBe(1);
  if (c.retryAfterMs !== undefined) expect(gapMs(fb.discord.calls)).toBeGreaterThanOrEqual(c.retryAfterMs);
});

describe('rate limits hold the destination and do not count as an outage', () => {
  it('a 429 holds the other jobs of the destination for Retry-After, not just the one that got it', async () => {
    fb.discord.failNext(1, discordReplies.rateLimited(0.5));
    const first = await fb.send('webhook', 1);
    await fb.discord.waitFor(() => fb.discord.calls.length === 1);
    await fb.idle();
    const second = await fb.send('webhook', 2);
    await Promise.all([fb.settled(first), fb.settled(second)]);

    const [limited, ...rest] = fb.discord.calls;
    expect(rest).toHaveLength(2);
    for (const call of rest) expect(call.at - (limited?.at ?? 0)).toBeGreaterThanOrEqual(500);
    expect((await fb.job(second)).attempts).toBe(1);
  });

  it('six 429s in a row do not open the circuit breaker (threshold 5): the job is delivered on the 7th attempt', async () => {
    fb.discord.failNext(6, discordReplies.rateLimited(0.05));
    const id = await fb.send('webhook', 1);
    const job = await fb.settled(id);
    expect({ status: job.status, attempts: job.attempts }).toEqual({ status: 'done', attempts: 7 });
    expect(fb.bridge.dispatcher.stats().breakers.webhook).toBe('closed');
    expect(fb.discord.messages).toHaveLength(1);
  });
});
