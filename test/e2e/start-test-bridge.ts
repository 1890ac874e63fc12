import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBridge, type RunningBridge } from '../../src/bridge/start-bridge.js';
import { readEnv, type Env } from '../../src/env.js';
import { silentLogger } from '../../src/log.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord.js';
import { startFakeHubspot, type FakeHubspot } from '../fakes/fake-hubspot.js';
import { startFakeSlack, type FakeSlack } from '../fakes/fake-slack.js';
import { fakeApiEnv, postJson } from './http-helpers.js';

export const DISCORD_WEBHOOK = { id: '333333333333333333', token: 't'.repeat(68) };

export interface TestBridge {
  readonly bridge: RunningBridge;
  readonly slack: FakeSlack;
  readonly discord: FakeDiscord;
  readonly hubspot: FakeHubspot;
  readonly webhookUrl: string;
  readonly dataDir: string;
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; json: unknown }>;
  close(): Promise<void>;
}

/**
 * The real bridge (startBridge, as `bridge serve` runs it) with every destination live against
 * fake Slack, Discord and HubSpot servers, on a temporary data dir and an ephemeral port.
 */
export async function startTestBridge(opts: { rulesFile?: string; env?: Env } = {}): Promise<TestBridge> {
  const [slack, discord, hubspot] = await Promise.all([startFakeSlack(), startFakeDiscord(), startFakeHubspot()]);
  const dataDir = mkdtempSync(join(tmpdir(), 'bridge-e2e-'));
  const env: Env = {
    PORT: '0',
    RULES_FILE: opts.rulesFile ?? 'rules.yaml',
    DATA_DIR: dataDir,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    DISCORD_WEBHOOK_URL: `https://discord.com/api/webhooks/${DISCORD_WEBHOOK.id}/${DISCORD_WEBHOOK.token}`,
    HUBSPOT_ACCESS_TOKEN: 'pat-na1-test',
    ...fakeApiEnv({ slack, discord, hubspot }),
    ...opts.env,
  };
  const read = readEnv(env);
  if (!read.ok) throw new Error(read.errors.join('\n'));
  const started = await startBridge({ settings: read.settings, env, log: silentLogger(), policy: { backoff: { baseMs: 10, factor: 2, capMs: 50 } } });
  if (!started.ok) throw new Error(started.errors.join('\n'));
  const { bridge } = started;
  const webhookUrl = `${bridge.url}/webhooks/returning-ai`;
  return {
    bridge,
    slack,
    discord,
    hubspot,
    webhookUrl,
    dataDir,
    post: (body, headers) => postJson(webhookUrl, body, headers),
    async close() {
      await bridge.close({ timeoutMs: 2000 });
      await Promise.all([slack.close(), discord.close(), hubspot.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
