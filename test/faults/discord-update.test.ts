import { afterEach, beforeEach, expect, it } from 'vitest';
import { discordReplies } from '../fakes/fake-discord.js';
import { FAULT_RULES, startFaultBridge, type FaultBridge, type Route } from './fault-bridge.js';

/**
 * Discord update in place through the real bridge and discord.js against the fake Discord: repeats
 * for a key within `for` edit the first message (by its stored id) instead of posting, across a
 * restart too; a message deleted since is posted anew; a 429 or 5xx on the edit is retried as an edit.
 */

const update = 'update: { key: "{{ user.id }}", for: 7d }';
const RULES = FAULT_RULES.replace(
  'actions: [{ discord: { destination: webhook, content: "visit {{ user.name }}" } }]',
  `actions: [{ discord: { destination: webhook, content: "{{ user.name }} visited {{ state.visits_total }} times this week", ${update} } }]`,
).replace(
  'actions: [{ discord: { destination: bot, content: "visit {{ user.name }}" } }]',
  `actions: [{ discord: { destination: bot, content: "{{ user.name }} visited {{ state.visits_total }} times this week", ${update} } }]`,
);

let fb: FaultBridge;
beforeEach(async () => {
  fb = await startFaultBridge({ rules: RULES });
});
afterEach(async () => {
  await fb?.close();
});

const visit = async (route: Route, n: number, id: string) => fb.settled(await fb.send(route, n, id));

it.each(['webhook', 'bot'] as const)('%s: repeats within `for` edit the first message; another key posts its own; a restart keeps the message to edit', async (route) => {
  const first = await visit(route, 1, 'a');
  await visit(route, 2, 'b');
  const second = await visit(route, 1, 'c');
  await fb.restart();
  const third = await visit(route, 1, 'd');

  expect(fb.discord.calls.map((c) => c.method)).toEqual(['POST', 'POST', 'PATCH', 'PATCH']);
  expect(fb.discord.messages.map((m) => m.body.content)).toEqual([`${route}-1 visited 1 times this week`, `${route}-2 visited 1 times this week`]);
  expect(fb.discord.edits.map((e) => [e.id, e.body.content])).toEqual([
    [first.ref, `${route}-1 visited 2 times this week`],
    [first.ref, `${route}-1 visited 3 times this week`],
  ]);
  expect(fb.discord.current(first.ref ?? '')).toMatchObject({ content: `${route}-1 visited 3 times this week` });
  expect([second.status, second.ref, third.status, third.ref]).toEqual(['done', first.ref, 'done', first.ref]);
});

it('a message deleted since is posted anew (404 Unknown Message), and later repeats edit that one', async () => {
  const first = await visit('webhook', 1, 'a');
  fb.discord.deleteMessage(first.ref ?? '');
  const second = await visit('webhook', 1, 'b');
  const third = await visit('webhook', 1, 'c');

  expect(fb.discord.calls.map((c) => c.method)).toEqual(['POST', 'PATCH', 'POST', 'PATCH']);
  expect(second.ref).not.toBe(first.ref);
  expect(fb.discord.edits.map((e) => [e.id, e.body.content])).toEqual([[second.ref, 'webhook-1 visited 3 times this week']]);
  expect(third.ref).toBe(second.ref);
});

it.each([
  ['429 with Retry-After: 0.2', discordReplies.rateLimited(0.2), 'discord rate limited (user)'],
  ['HTTP 502', discordReplies.http(502), 'discord http 502'],
])('an edit answered %s is retried as an edit: nothing posts twice', async (_name, reply, lastError) => {
  const first = await visit('bot', 1, 'a');
  fb.discord.failNext(1, reply, (c) => c.method === 'PATCH');
  const repeat = await visit('bot', 1, 'b');

  expect({ status: repeat.status, attempts: repeat.attempts, lastError: repeat.lastError, ref: repeat.ref }).toEqual({ status: 'done', attempts: 2, lastError, ref: first.ref });
  expect(fb.discord.calls.map((c) => c.method)).toEqual(['POST', 'PATCH', 'PATCH']);
  expect(fb.discord.messages).toHaveLength(1);
});
