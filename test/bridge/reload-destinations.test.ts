import { writeFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { createSecretScrubber } from '../../src/secret-scrubber.js';
import { discordReplies } from '../fakes/fake-discord.js';
import { captureLog, type CapturedLog } from '../observe/capture-log.js';
import { FAULT_RULES, startFaultBridge, type FaultBridge } from '../faults/fault-bridge.js';

/**
 * Issue 9 item 3: building the destinations is part of validating a reload, and jobs of a
 * destination that left the rules do not wait forever.
 */
let fb: FaultBridge | undefined;
afterEach(async () => {
  await fb?.close();
  fb = undefined;
});

async function start(env: Record<string, string> = {}): Promise<{ fb: FaultBridge; captured: CapturedLog }> {
  const scrubber = createSecretScrubber();
  const captured = captureLog('debug', scrubber.scrub);
  fb = await startFaultBridge({ log: captured.log, scrubber, env });
  return { fb, captured };
}

const rulesFile = (f: FaultBridge): string => String(f.env.RULES_FILE);
const statusOf = async (f: FaultBridge): Promise<any> => (await fetch(`${f.bridge.url}/status`)).json();

it('a destination that cannot be built refuses the reload; the last good rules and senders stay', async () => {
  const { fb: f, captured } = await start({ DISCORD_WEBHOOK_URL_2: 'https://discord.com/api/webhooks/12345/tok' });
  const version = f.bridge.holder.current().version;
  const withNew = FAULT_RULES.replace('rules:\n', `  webhook2: { kind: discord, webhook_url: "\${DISCORD_WEBHOOK_URL_2}" }
rules:
  - name: to-webhook2
    on: user.visited
    when: { field: user.name, starts_with: "webhook-" }
    actions: [{ discord: { destination: webhook2, content: "second {{ user.name }}" } }]
`);
  writeFileSync(rulesFile(f), withNew);

  expect(await f.bridge.watcher.reload()).toBe(false);
  const errors = [`${rulesFile(f)}:7:43 destinations.webhook2.webhook_url: webhook2 webhook_url from \${DISCORD_WEBHOOK_URL_2}: the discord webhook_url is not a Discord webhook URL (expected https://discord.com/api/webhooks/<id>/<token>)`];
  const status = await statusOf(f);
  expect(status.rules).toMatchObject({ version, lastReload: { ok: false, errors }, failures: 1, reloads: 0 });
  expect(status.destinations.map((d: { name: string }) => d.name)).toEqual(['slack', 'webhook', 'bot', 'hubspot']);
  expect(captured.withMsg('rules reload refused').map((l) => l.errors)).toEqual([errors]);
  expect(captured.withMsg('rules reloaded')).toEqual([]);
  expect(captured.withMsg('rules reload callback failed')).toEqual([]);

  // The old rules plan (one job, not two) and the old sender delivers it.
  const id = await f.send('webhook', 1);
  expect((await f.settled(id, 30_000)).status).toBe('done'); // discord.js loads on the first send: slow on a busy machine
  expect((await f.bridge.store.deliveries.jobsForEvent('msg_webhook_1')).map((j) => j.id)).toEqual([id]);
  expect(f.discord.messages.map((m) => m.body.content)).toEqual(['visit webhook-1']);
});

it('jobs of a destination removed by a reload become dead letters saying why', async () => {
  const { fb: f, captured } = await start();
  // The bot job waits 30 s on a rate limit: still pending when its destination goes.
  f.discord.failNext(1, discordReplies.rateLimited(30));
  const id = await f.send('bot', 1);
  await f.discord.waitFor(() => f.discord.calls.length === 1);
  await f.bridge.dispatcher.idle();
  expect((await f.job(id)).status).toBe('pending');

  const withoutBot = FAULT_RULES.replace(/ {2}bot: .*\n/, '').replace(/ {2}- name: to-bot\n(?: {4}.*\n)+/, '');
  writeFileSync(rulesFile(f), withoutBot);
  expect(await f.bridge.watcher.reload()).toBe(true);

  expect(await f.job(id)).toMatchObject({ status: 'dead', lastError: 'destination "bot" is not in the rules any more; `bridge replay` the job once it is back' });
  expect(captured.withMsg('jobs of a destination no longer in the rules are dead letters').map((l) => [l.destination, l.jobs])).toEqual([['bot', 1]]);
  expect((await statusOf(f)).destinations.map((d: { name: string }) => d.name)).toEqual(['slack', 'webhook', 'hubspot']);
});

it('jobs of a destination that is gone at start-up become dead letters too', async () => {
  const { fb: f } = await start();
  f.discord.failNext(1, discordReplies.rateLimited(30));
  const id = await f.send('bot', 1);
  await f.discord.waitFor(() => f.discord.calls.length === 1);
  await f.bridge.dispatcher.idle();
  await f.stop();
  writeFileSync(rulesFile(f), FAULT_RULES.replace(/ {2}bot: .*\n/, '').replace(/ {2}- name: to-bot\n(?: {4}.*\n)+/, ''));
  await f.restart();
  expect(await f.job(id)).toMatchObject({ status: 'dead', lastError: 'destination "bot" is not in the rules any more; `bridge replay` the job once it is back' });
});
