import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord.js';
import { startFakeHubspot, type FakeHubspot } from '../fakes/fake-hubspot.js';
import { startFakeSlack, type FakeSlack } from '../fakes/fake-slack.js';
import { fakeApiEnv } from '../e2e/http-helpers.js';
import { FAULT_RULES, FAULT_WEBHOOK } from '../faults/fault-bridge.js';
import { runCli } from './run-cli.js';

/** Issue 9 item 4: `bridge check --online` asks each live destination's vendor (the fakes) who it is. */
let slack: FakeSlack;
let discord: FakeDiscord;
let hubspot: FakeHubspot;
let dir: string;
const TOKENS = { slack: 'xoxb-online-1', bot: 'online-bot-token', hubspot: 'pat-online-1' };

beforeAll(async () => {
  [slack, discord, hubspot] = await Promise.all([
    startFakeSlack({ token: TOKENS.slack }),
    startFakeDiscord({ botToken: TOKENS.bot, webhooks: [FAULT_WEBHOOK] }),
    startFakeHubspot({ token: TOKENS.hubspot }),
  ]);
  dir = mkdtempSync(join(tmpdir(), 'bridge-online-'));
  writeFileSync(join(dir, 'rules.yaml'), FAULT_RULES);
});
afterAll(async () => {
  await Promise.all([slack.close(), discord.close(), hubspot.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const env = (over: Record<string, string> = {}) => ({
  SLACK_BOT_TOKEN: TOKENS.slack,
  DISCORD_WEBHOOK_URL: `https://discord.com/api/webhooks/${FAULT_WEBHOOK.id}/${FAULT_WEBHOOK.token}`,
  DISCORD_BOT_TOKEN: TOKENS.bot,
  HUBSPOT_ACCESS_TOKEN: TOKENS.hubspot,
  ...fakeApiEnv({ slack, discord, hubspot }),
  ...over,
});

it('says who each live destination is authenticated as', async () => {
  const r = await runCli(['check', '--online', '--rules', join(dir, 'rules.yaml')], env());
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  expect(r.stdout.split('\n').slice(1)).toEqual([
    '  slack (slack): authenticated as bridge (U0FAKE) in workspace Fake',
    `  webhook (discord): authenticated as webhook "Fake hook" in channel 111111111111111111`,
    '  bot (discord): authenticated as bot fake-bot (333333333333333333)',
    '  hubspot (hubspot): authenticated as a private app token that can read contacts',
    '',
  ]);
});

it('exits 1 with the vendor answer, and no secret, for each credential the vendor refuses', async () => {
  const wrong = { SLACK_BOT_TOKEN: 'xoxb-wrong-1', DISCORD_WEBHOOK_URL: `https://discord.com/api/webhooks/${FAULT_WEBHOOK.id}/wrong-token`, DISCORD_BOT_TOKEN: 'wrong-bot-token', HUBSPOT_ACCESS_TOKEN: 'pat-wrong-1' };
  const r = await runCli(['check', '--online', '--rules', join(dir, 'rules.yaml')], env(wrong));
  expect(r.code).toBe(1);
  expect(r.stderr.split('\n')).toEqual([
    '  slack (slack): slack auth.test: invalid_auth',
    '  webhook (discord): discord webhook 401 (code 50027: Invalid Webhook Token)',
    '  bot (discord): discord users/@me 401 (code 0: 401: Unauthorized)',
    '  hubspot (hubspot): hubspot 401 INVALID_AUTHENTICATION',
    '',
  ]);
  for (const value of Object.values(wrong)) expect(r.stdout + r.stderr).not.toContain(value);
});
