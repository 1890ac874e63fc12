import { afterEach, expect, it } from 'vitest';
import { discordReplies } from '../fakes/fake-discord.js';
import { startFaultBridge, type FaultBridge } from './fault-bridge.js';

/**
 * A destination that keeps failing is paused (circuit breaker) instead of burning every job's
 * attempts: after `threshold` consecutive transient failures nothing is sent there until `openMs`
 * has passed, its pending jobs are pushed back without using attempts, and one trial call decides
 * whether it opens again or closes.
 */

let fb: FaultBridge | undefined;
afterEach(async () => {
  await fb?.close();
  fb = undefined;
});

it('opens after 3 straight 503s, sends nothing while open, then delivers everything once the trial succeeds', async () => {
  fb = await startFaultBridge({ policy: { concurrency: 1, breaker: { threshold: 3, openMs: 600 } } });
  const f = fb;
  let down = true;
  f.discord.intercept(() => (down ? discordReplies.http(503) : undefined));
  const ids: string[] = [];
  for (let n = 1; n <= 5; n++) ids.push(await f.send('webhook', n));

  await f.discord.waitFor(() => f.discord.calls.length === 3);
  await f.idle();
  expect(f.bridge.dispatcher.stats().breakers.webhook).toBe('open');
  const current = () => Promise.all(ids.map((id) => f.job(id)));
  const attemptsWhenOpened = (await current()).map((j) => j.attempts);
  expect(attemptsWhenOpened.reduce((a, b) => a + b)).toBe(3);
  // While open: the pending jobs wait for the trial time without using attempts.
  await new Promise((r) => setTimeout(r, 200));
  expect(f.discord.calls).toHaveLength(3);
  expect((await current()).map((j) => j.attempts)).toEqual(attemptsWhenOpened);
  expect((await current()).map((j) => j.status)).toEqual(['pending', 'pending', 'pending', 'pending', 'pending']);

  down = false;
  const jobs = await Promise.all(ids.map((id) => f.settled(id, 3000)));
  expect(jobs.map((j) => j.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
  // 3 failed attempts + one successful attempt per job: nothing was burned while open.
  expect(jobs.map((j) => j.attempts).reduce((a, b) => a + b)).toBe(8);
  expect(f.discord.calls).toHaveLength(8);
  expect(f.discord.messages.map((m) => m.body.content).sort()).toEqual(['visit webhook-1', 'visit webhook-2', 'visit webhook-3', 'visit webhook-4', 'visit webhook-5']);
  expect(f.bridge.dispatcher.stats().breakers.webhook).toBe('closed');
});

it('a failed trial opens it again for another openMs, using one attempt', async () => {
  fb = await startFaultBridge({ policy: { concurrency: 1, breaker: { threshold: 2, openMs: 300 } } });
  const f = fb;
  let down = true;
  f.discord.intercept(() => (down ? discordReplies.http(502) : undefined));
  const id = await f.send('webhook', 1);
  await f.discord.waitFor(() => f.discord.calls.length === 3, 3000); // two failures, then the failed trial
  await f.idle();
  expect(f.bridge.dispatcher.stats().breakers.webhook).toBe('open');
  expect(await f.job(id)).toMatchObject({ status: 'pending', attempts: 3, lastError: 'discord http 502' });
  const [, second, trial] = f.discord.calls;
  expect(trial!.at - second!.at).toBeGreaterThanOrEqual(300);

  down = false;
  expect(await f.settled(id, 3000)).toMatchObject({ status: 'done', attempts: 4 });
  const [, , , retrial] = f.discord.calls;
  expect(retrial!.at - trial!.at).toBeGreaterThanOrEqual(300);
});
