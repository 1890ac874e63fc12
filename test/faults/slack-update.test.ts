import { afterEach, beforeEach, expect, it } from 'vitest';
import { FAULT_RULES, startFaultBridge, type FaultBridge } from './fault-bridge.js';

/**
 * Update in place through the real bridge and @slack/web-api against the fake Slack: repeats for a
 * key within `for` edit the first message (chat.update with its stored ts) instead of posting,
 * across a restart too.
 */

const RULES = FAULT_RULES.replace(
  'actions: [{ slack: { destination: slack, text: "visit {{ user.name }}" } }]',
  'actions: [{ slack: { destination: slack, text: "{{ user.name }}: {{ state.visits_total }} visit(s)", update: { key: "{{ user.id }}", for: 7d } } }]',
);

let fb: FaultBridge;
beforeEach(async () => {
  fb = await startFaultBridge({ rules: RULES });
});
afterEach(async () => {
  await fb?.close();
});

const visit = async (n: number, id: string) => fb.settled(await fb.send('slack', n, id));

it('repeats within `for` edit the first message; another key posts its own; a restart keeps the message to edit', async () => {
  const first = await visit(1, 'a');
  await visit(2, 'b');
  const second = await visit(1, 'c');
  await fb.restart();
  const third = await visit(1, 'd');

  expect(fb.slack.calls.map((c) => c.path)).toEqual(['/api/chat.postMessage', '/api/chat.postMessage', '/api/chat.update', '/api/chat.update']);
  expect(fb.slack.messages.map((m) => m.text)).toEqual(['slack-1: 3 visit(s)', 'slack-2: 1 visit(s)']);
  expect(fb.slack.edits.map((e) => [e.ts, e.text])).toEqual([
    [first.ref, 'slack-1: 2 visit(s)'],
    [first.ref, 'slack-1: 3 visit(s)'],
  ]);
  expect([second.status, second.ref, third.status, third.ref]).toEqual(['done', first.ref, 'done', first.ref]);
});
