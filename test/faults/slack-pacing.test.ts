import { afterEach, expect, it } from 'vitest';
import { startFaultBridge, type FaultBridge } from './fault-bridge.js';

/**
 * A burst of VIP alerts into one channel, through the real bridge and @slack/web-api, against a
 * fake Slack that holds chat.postMessage to 1 message per second per channel strictly (429 for a
 * message < 1,000 ms after the last one it accepted there). The pacing is the bridge's own
 * (slack-limits.ts), not shortened for the test: 100 alerts take about 102 s, mostly waiting
 * (issue 11 asks for the burst of 100). `npm run bench:slack` prints the drain time.
 */
const ALERTS = 100;

let fb: FaultBridge | undefined;
afterEach(async () => {
  await fb?.close();
  fb = undefined;
});

it(`a burst of ${ALERTS} alerts to one channel gets no 429 from a strict 1-message-per-second fake`, async () => {
  fb = await startFaultBridge({ slack: { strictChannelPace: true } });
  const bridge = fb;
  const ids = await Promise.all(Array.from({ length: ALERTS }, (_, n) => bridge.send('slack', n)));
  const jobs = [];
  for (const id of ids) jobs.push(await bridge.settled(id, ALERTS * 1500 + 5000));

  expect(bridge.slack.paceRefusals).toHaveLength(0);
  expect(jobs.map((j) => [j.status, j.attempts])).toEqual(ids.map(() => ['done', 1]));
  expect(bridge.slack.messages.map((m) => m.text).sort()).toEqual(Array.from({ length: ALERTS }, (_, n) => `visit slack-${n}`).sort());
}, 200_000);
