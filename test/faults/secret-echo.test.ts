import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createSecretScrubber } from '../../src/secret-scrubber.js';
import { runCli } from '../cli/run-cli.js';
import { discordReplies } from '../fakes/fake-discord.js';
import type { Reply } from '../fakes/fake-server.js';
import { captureLog } from '../observe/capture-log.js';
import { FAULT_WEBHOOK, startFaultBridge, type FaultBridge, type Route } from './fault-bridge.js';

/**
 * Issue 9: a vendor (or a verbose proxy in front of it) that echoes the request's credentials in
 * its error body must not put them in the store, the logs or the CLI. Each destination kind gets
 * an error that quotes its own token, through the real vendor client.
 */
let fb: FaultBridge | undefined;
afterEach(async () => {
  await fb?.close();
  fb = undefined;
});

const TOKENS = { slack: 'xoxb-faults', webhook: FAULT_WEBHOOK.token, bot: 'faults-bot-token', hubspot: 'pat-faults' } as const;
const WEBHOOK_URL = `https://discord.com/api/webhooks/${FAULT_WEBHOOK.id}/${FAULT_WEBHOOK.token}`;

const cases: [Route, Reply][] = [
  // Slack's platform errors and a proxy's page: neither field is copied today, the test holds that.
  ['slack', { status: 200, body: { ok: false, error: 'invalid_auth', warning: `token ${TOKENS.slack}`, response_metadata: { messages: [`bad token ${TOKENS.slack}`] } } }],
  ['webhook', discordReplies.error(401, 50027, `Invalid Webhook Token ${TOKENS.webhook} (${WEBHOOK_URL})`)],
  ['bot', discordReplies.error(401, 0, `401: Unauthorized (Authorization: Bot ${TOKENS.bot})`)],
  // correlationId passes the classifier's shape check, so an echo there reaches the reason.
  ['hubspot', { status: 401, body: { status: 'error', category: 'INVALID_AUTHENTICATION', message: `token ${TOKENS.hubspot} is not valid`, correlationId: TOKENS.hubspot } }],
];

it.each(cases)('a %s error that echoes the token leaves it nowhere', async (route, reply) => {
  const scrubber = createSecretScrubber();
  const captured = captureLog('trace', scrubber.scrub);
  fb = await startFaultBridge({ log: captured.log, scrubber });
  const fake = route === 'slack' ? fb.slack : route === 'hubspot' ? fb.hubspot : fb.discord;
  fake.failNext(1, reply);
  const id = await fb.send(route, 1);
  const job = await fb.settled(id, 30_000);
  await fb.stop();

  const token = TOKENS[route];
  expect(job.status).toBe('dead');
  expect(job.lastError).toMatch(/^(slack|discord|hubspot) /);
  const dead = await runCli(['dead', '--data', fb.dataDir]);
  const deliveries = await runCli(['deliveries', '--json', '--data', fb.dataDir]);
  expect(dead.stdout).toContain(id);
  const store = readdirSync(fb.dataDir).filter((f) => !f.endsWith('.yaml')).map((f) => readFileSync(join(fb!.dataDir, f)).toString('latin1'));
  const places = { lastError: job.lastError, logs: captured.raw.join(''), dead: dead.stdout + dead.stderr, deliveries: deliveries.stdout + deliveries.stderr, store: store.join('') };
  for (const [where, text] of Object.entries(places)) expect({ where, leaked: text?.includes(token) }).toEqual({ where, leaked: false });
  expect(captured.raw.join('')).toContain('"dead letter"');
});
