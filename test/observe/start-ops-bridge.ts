import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBridge, type RunningBridge, type StartOptions } from '../../src/bridge/start-bridge.js';
import { readEnv, type Env } from '../../src/env.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord.js';
import { startFakeHubspot, type FakeHubspot } from '../fakes/fake-hubspot.js';
import { startFakeSlack, type FakeSlack } from '../fakes/fake-slack.js';
import { captureLog, type CapturedLog } from './capture-log.js';
import { fakeApiEnv, postJson } from '../e2e/http-helpers.js';

/*
 * The real bridge (startBridge, as `bridge serve` runs it) for the operations tests: like
 * test/e2e/start-test-bridge.ts, but with its log captured, rules.yaml copied into a temp folder
 * the test may edit (the watcher watches that folder), and a data dir that outlives one bridge so
 * a test can stop it and start another on the same DATA_DIR.
 */

export const DISCORD_WEBHOOK_URL = `https://discord.com/api/webhooks/333333333333333333/${'t'.repeat(68)}`;
export const SLACK_BOT_TOKEN = 'xoxb-test-token';
export const HUBSPOT_ACCESS_TOKEN = 'pat-na1-test';

export interface Fakes {
  readonly slack: FakeSlack;
  readonly discord: FakeDiscord;
  readonly hubspot: FakeHubspot;
}

export async function startFakes(): Promise<Fakes> {
  const [slack, discord, hubspot] = await Promise.all([startFakeSlack(), startFakeDiscord(), startFakeHubspot()]);
  return { slack, discord, hubspot };
}

export interface OpsBridgeOptions {
  /** rules.yaml text; default: a copy of the bundled rules.yaml. */
  readonly rules?: string;
  /** Extra environment on top of live credentials for every destination. */
  readonly env?: Env;
  /** Reuse a folder from an earlier bridge (its rules.yaml and data/). */
  readonly dir?: string;
  /** Reuse fakes from an earlier bridge. */
  readonly fakes?: Fakes;
  readonly log?: CapturedLog;
  /** Watch rules.yaml (default false: tests reload with `bridge.watcher.reload()`, as SIGHUP does). */
  readonly watch?: boolean;
  readonly policy?: StartOptions['policy'];
}

export interface OpsBridge extends Fakes {
  readonly bridge: RunningBridge;
  readonly fakes: Fakes;
  readonly dir: string;
  readonly rulesFile: string;
  readonly dataDir: string;
  readonly log: CapturedLog;
  readonly webhookUrl: string;
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; json: unknown }>;
  get(path: string): Promise<{ status: number; text: string }>;
  /** Replaces rules.yaml (in place, like `echo > rules.yaml`). */
  writeRules(text: string): void;
  /** Stops the bridge only (fakes and folder stay). */
  stop(timeoutMs?: number): Promise<void>;
  /** Stops the bridge, the fakes and removes the folder. */
  close(): Promise<void>;
}

export const BUNDLED_RULES = new URL('../../rules.yaml', import.meta.url);

export async function startOpsBridge(opts: OpsBridgeOptions = {}): Promise<OpsBridge> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'bridge-ops-'));
  const rulesFile = join(dir, 'rules.yaml');
  const dataDir = join(dir, 'data');
  if (opts.rules !== undefined) writeFileSync(rulesFile, opts.rules);
  else if (opts.dir === undefined) copyFileSync(BUNDLED_RULES, rulesFile);
  const fakes = opts.fakes ?? (await startFakes());
  const log = opts.log ?? captureLog();
  const env: Env = {
    PORT: '0',
    HOST: '127.0.0.1',
    RULES_FILE: rulesFile,
    DATA_DIR: dataDir,
    SLACK_BOT_TOKEN,
    DISCORD_WEBHOOK_URL,
    HUBSPOT_ACCESS_TOKEN,
    ...fakeApiEnv(fakes),
    ...opts.env,
  };
  const read = readEnv(env);
  if (!read.ok) throw new Error(read.errors.join('\n'));
  const started = await startBridge({
    settings: read.settings,
    env,
    log: log.log,
    watch: opts.watch ?? false,
    // Short backoff, and a burst of 10 so a test's few messages to one Slack channel need not wait out its 1/s pacing.
    policy: opts.policy ?? { backoff: { baseMs: 10, factor: 2, capMs: 50 }, rateBurst: 10 },
  });
  if (!started.ok) throw new Error(started.errors.join('\n'));
  const { bridge } = started;
  const webhookUrl = `${bridge.url}/webhooks/returning-ai`;
  const stop = (timeoutMs = 2000): Promise<void> => bridge.close({ timeoutMs });
  return {
    ...fakes,
    bridge,
    fakes,
    dir,
    rulesFile,
    dataDir,
    log,
    webhookUrl,
    post: (body, headers) => postJson(webhookUrl, body, headers),
    async get(path) {
      const res = await fetch(`${bridge.url}${path}`);
      return { status: res.status, text: await res.text() };
    },
    writeRules: (text) => writeFileSync(rulesFile, text),
    stop,
    async close() {
      await stop();
      await Promise.all([fakes.slack.close(), fakes.discord.close(), fakes.hubspot.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
