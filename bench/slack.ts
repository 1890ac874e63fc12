/**
 * `npm run bench:slack`: a burst of 100 VIP alerts into one Slack channel (issue 11), through the
 * real bridge in this process (startBridge, the SQLite store, the dispatcher, @slack/web-api) to a
 * fake Slack that allows 1 chat.postMessage per second per channel strictly: a message less than
 * 1,000 ms after the last one it accepted there is answered 429 with Retry-After 1 (Slack's
 * "1 message per second per channel", https://api.slack.com/methods/chat.postMessage#rate_limiting).
 * Prints the 429s and the drain time next to the floor, 99 s for 100 messages (goal: 0 429s, drain
 * <= 105 s). BENCH_ALERTS (default 100) changes the burst.
 */
import { startFaultBridge } from '../test/faults/fault-bridge.js';

const ALERTS = Number(process.env.BENCH_ALERTS ?? 100);
const floorS = ALERTS - 1;

const fb = await startFaultBridge({ slack: { strictChannelPace: true } });
try {
  const t0 = performance.now();
  const ids = await Promise.all(Array.from({ length: ALERTS }, (_, n) => fb.send('slack', n)));
  const ackedMs = performance.now() - t0;
  const jobs = [];
  for (const id of ids) jobs.push(await fb.settled(id, ALERTS * 2000 + 30_000));
  const drainS = (performance.now() - t0) / 1000;
  const done = jobs.filter((j) => j.status === 'done').length;
  const attempts = jobs.reduce((sum, j) => sum + j.attempts, 0);
  console.log(`${ALERTS} alerts to one channel, fake Slack allowing 1 message/s strictly`);
  console.log(`  accepted in          ${ackedMs.toFixed(0)} ms`);
  console.log(`  delivered            ${done} of ${ALERTS} (${attempts} attempts), ${fb.slack.messages.length} messages at the fake`);
  console.log(`  429s answered        ${fb.slack.paceRefusals.length}   (goal 0)`);
  console.log(`  drain                ${drainS.toFixed(1)} s   floor ${floorS} s (1 message/s), ratio ${(drainS / floorS).toFixed(3)}   (goal <= ${floorS + 6} s)`);
} finally {
  await fb.close();
}
