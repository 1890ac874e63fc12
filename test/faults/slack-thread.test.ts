import { afterEach, beforeEach, expect, it } from 'vitest';
import { slackReplies } from '../fakes/fake-slack.js';
import { FAULT_RULES, startFaultBridge, type FaultBridge } from './fault-bridge.js';

/**
 * Slack threads through the real bridge and @slack/web-api against the fake Slack: the first
 * message for a key posts on its own, its `ts` is stored, and later messages for that key reply in
 * its thread (`thread_ts`), across a restart too.
 */

const RULES = FAULT_RULES.replace(
  'actions: [{ slack: { destination: slack, text: "visit {{ user.name }}" } }]',
  'actions: [{ slack: { destination: slack, text: "visit {{ user.name }}", thread: { key: "{{ user.id }}" } } }]',
);

let fb: FaultBridge;
beforeEach(async () => {
  fb = await startFaultBridge({ rules: RULES });
});
afterEach(async () => {
  await fb?.close();
});

const visits = async (...sends: [n: number, id: string][]) => {
  const jobs = [];
  for (const [n, id] of sends) jobs.push(await fb.settled(await fb.send('slack', n, id)));
  return jobs;
};

it('later messages for the same key reply in the thread of the first; another key starts its own', async () => {
  const jobs = await visits([1, 'a'], [2, 'b'], [1, 'c'], [1, 'd']);
  expect(jobs.map((j) => j.status)).toEqual(['done', 'done', 'done', 'done']);
  const [u1, u2] = fb.slack.messages;
  expect(fb.slack.messages.map((m) => [m.text, m.threadTs])).toEqual([
    ['visit slack-1', undefined],
    ['visit slack-2', undefined],
    ['visit slack-1', u1?.ts],
    ['visit slack-1', u1?.ts],
  ]);
  expect(jobs.map((j) => j.ref)).toEqual(fb.slack.messages.map((m) => m.ts));
  expect(u2?.threadTs).toBeUndefined();
});

it('the first message’s ts survives a restart: the next message still replies in its thread', async () => {
  const [root] = await visits([1, 'a']);
  await fb.restart();
  await visits([1, 'b']);
  expect(fb.slack.messages.map((m) => m.threadTs)).toEqual([undefined, root?.ref]);
});

it('a first message that failed records no root: the next message for the key becomes the root', async () => {
  fb.slack.failNext(1, slackReplies.error('channel_not_found'));
  const [failed, next, reply] = await visits([1, 'a'], [1, 'b'], [1, 'c']);
  expect([failed?.status, failed?.lastError]).toEqual(['dead', 'slack error: channel_not_found']);
  expect(fb.slack.messages.map((m) => m.threadTs)).toEqual([undefined, next?.ref]);
  expect(reply?.status).toBe('done');
});
