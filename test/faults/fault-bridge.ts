import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBridge, type RunningBridge } from '../../src/bridge/start-bridge.js';
import type { DispatchPolicy } from '../../src/dispatch/dispatch-policy.js';
import { readEnv, type Env } from '../../src/env.js';
import { silentLogger, type Logger } from '../../src/log.js';
import type { SecretScrubber } from '../../src/secret-scrubber.js';
import type { Job } from '../../src/store/job-queue.js';
import { startFakeDiscord, type FakeDiscord, type FakeDiscordOptions } from '../fakes/fake-discord.js';
import { startFakeHubspot, type FakeHubspot, type FakeHubspotOptions } from '../fakes/fake-hubspot.js';
import { startFakeSlack, type FakeSlack, type FakeSlackOptions } from '../fakes/fake-slack.js';
import { fakeApiEnv } from '../e2e/http-helpers.js';

export const FAULT_WEBHOOK = { id: '666666666666666666', token: 'f'.repeat(68) };
export const FAULT_CHANNEL = '777777777777777777';

/**
 * One rule per destination, chosen by the visitor's name prefix (`slack-…`, `webhook-…`, `bot-…`,
 * `hubspot-…`), so each fault test drives exactly one destination. Job ids are
 * `${webhook-id}:${rule}:0`.
 */
export const FAULT_RULES = `version: 1
destinations:
  slack: { kind: slack, token: "\${SLACK_BOT_TOKEN}", channel: "#alerts" }
  webhook: { kind: discord, webhook_url: "\${DISCORD_WEBHOOK_URL}" }
  bot: { kind: discord, bot_token: "\${DISCORD_BOT_TOKEN}", channel_id: "${FAULT_CHANNEL}" }
  hubspot: { kind: hubspot, access_token: "\${HUBSPOT_ACCESS_TOKEN}" }
rules:
  - name: to-slack
    on: user.visited
    when: { field: user.name, starts_with: "slack-" }
    actions: [{ slack: { destination: slack, text: "visit {{ user.name }}" } }]
  - name: to-webhook
    on: user.visited
    when: { field: user.name, starts_with: "webhook-" }
    actions: [{ discord: { destination: webhook, content: "visit {{ user.name }}" } }]
  - name: to-bot
    on: user.visited
    when: { field: user.name, starts_with: "bot-" }
    actions: [{ discord: { destination: bot, content: "visit {{ user.name }}" } }]
  - name: to-hubspot
    on: user.visited
    when: { field: user.name, starts_with: "hubspot-" }
    actions: [{ hubspot: { destination: hubspot, upsert_contact: { email: "{{ user.email }}" } } }]
`;

/** The rule (and so the job id suffix) each name prefix routes to. */
export const RULE_OF = { slack: 'to-slack', webhook: 'to-webhook', bot: 'to-bot', hubspot: 'to-hubspot' } as const;
export type Route = keyof typeof RULE_OF;

/** A visit routed to `route`, unique by `n`. */
export function visit(route: Route, n: number): Record<string, unknown> {
  return {
    owner: { id: '1342', name: 'John Doe', email: 'johndoe@example.com' },
    user: { id: String(n), firstName: 'Fault', lastName: 'Test', name: `${route}-${n}`, email: `${route}-${n}@faults.example` },
    date: new Date(Date.UTC(2025, 8, 2, 9, 0, 0, n)).toISOString(),
    event: { name: 'User Visits Server', description: 'Triggers when a user visits the server' },
    server: { id: '6502564c5c09c0a', name: 'Fault community' },
  };
}

export interface FaultBridgeOptions {
  readonly rules?: string;
  /** Extra environment (e.g. ACTION_TIMEOUT_MS, auth secrets). */
  readonly env?: Env;
  /** Dispatcher policy; the default keeps backoff short (10-50 ms) and polls every 100 ms. */
  readonly policy?: Partial<DispatchPolicy>;
  readonly slack?: FakeSlackOptions;
  readonly discord?: FakeDiscordOptions;
  readonly hubspot?: FakeHubspotOptions;
  /** Where the bridge logs (default: nowhere), and the scrubber that logger was made with. */
  readonly log?: Logger;
  readonly scrubber?: SecretScrubber;
}

export interface FaultBridge {
  bridge: RunningBridge;
  readonly slack: FakeSlack;
  readonly discord: FakeDiscord;
  readonly hubspot: FakeHubspot;
  readonly dataDir: string;
  readonly env: Env;
  /** Posts a visit (or any body) with `webhook-id: id`; returns status and JSON. */
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; json: unknown }>;
  /** Posts `visit(route, n)` with webhook-id `id`; returns its job id. */
  send(route: Route, n: number, id?: string): Promise<string>;
  job(id: string): Promise<Job>;
  /** Resolves with the job once it is done, dead or ambiguous; rejects after `timeoutMs`. */
  settled(id: string, timeoutMs?: number): Promise<Job>;
  /** Resolves once nothing is in flight or due (backed-off and held jobs are not due). */
  idle(): Promise<void>;
  /** Stops the bridge gracefully and starts a new one on the same DATA_DIR (the fakes stay). */
  restart(): Promise<void>;
  /** Stops the bridge only (fakes and data dir stay), e.g. to run a CLI command on the store. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_FAULT_POLICY: Partial<DispatchPolicy> = { backoff: { baseMs: 10, factor: 2, capMs: 50 }, pollMs: 100 };

/**
 * The real bridge (startBridge, as `bridge serve` runs it) in-process, against fresh fake Slack,
 * Discord and HubSpot servers, on a temporary DATA_DIR.
 */
export async function startFaultBridge(opts: FaultBridgeOptions = {}): Promise<FaultBridge> {
  const [slack, discord, hubspot] = await Promise.all([startFakeSlack(opts.slack), startFakeDiscord(opts.discord), startFakeHubspot(opts.hubspot)]);
  const dataDir = mkdtempSync(join(tmpdir(), 'bridge-faults-'));
  const rulesFile = join(dataDir, 'rules.yaml');
  writeFileSync(rulesFile, opts.rules ?? FAULT_RULES);
  const env: Env = {
    PORT: '0',
    HOST: '127.0.0.1',
    RULES_FILE: rulesFile,
    DATA_DIR: dataDir,
    RATE_LIMIT_PER_MINUTE: '0',
    SLACK_BOT_TOKEN: 'xoxb-faults',
    DISCORD_WEBHOOK_URL: `https://discord.com/api/webhooks/${FAULT_WEBHOOK.id}/${FAULT_WEBHOOK.token}`,
    DISCORD_BOT_TOKEN: 'faults-bot-token',
    HUBSPOT_ACCESS_TOKEN: 'pat-faults',
    ...fakeApiEnv({ slack, discord, hubspot }),
    ...opts.env,
  };
  const read = readEnv(env);
  if (!read.ok) throw new Error(read.errors.join('\n'));
  const settings = read.settings;
  const policy = { ...DEFAULT_FAULT_POLICY, ...opts.policy };
  const boot = async (): Promise<RunningBridge> => {
    const started = await startBridge({ settings, env, log: opts.log ?? silentLogger(), watch: false, policy, ...(opts.scrubber && { scrubber: opts.scrubber }) });
    if (!started.ok) throw new Error(started.errors.join('\n'));
    return started.bridge;
  };

  let running = true;
  const fb: FaultBridge = {
    bridge: await boot(),
    slack,
    discord,
    hubspot,
    dataDir,
    env,
    async post(body, headers = {}) {
      const res = await fetch(`${fb.bridge.url}/webhooks/returning-ai`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const json: unknown = await res.json();
      // Jobs are planned behind the acknowledgement: wait for the planner, so they exist.
      if (res.ok) await fb.bridge.planner.idle();
      return { status: res.status, json };
    },
    async send(route, n, id = `msg_${route}_${n}`) {
      const res = await fb.post(visit(route, n), { 'webhook-id': id });
      if (res.status !== 202) throw new Error(`expected 202 for ${id}, got ${res.status} ${JSON.stringify(res.json)}`);
      return `${id}:${RULE_OF[route]}:0`;
    },
    async job(id) {
      const job = await fb.bridge.store.deliveries.getJob(id);
      if (job === undefined) throw new Error(`no job ${id}`);
      return job;
    },
    async settled(id, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const job = await fb.job(id);
        if (job.status !== 'pending' && job.status !== 'running') return job;
        if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms (attempts ${job.attempts}, last error ${job.lastError})`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    idle: () => fb.bridge.idle(),
    async restart() {
      await fb.stop();
      fb.bridge = await boot();
      running = true;
    },
    async stop() {
      if (running) await fb.bridge.close({ timeoutMs: 2000 });
      running = false;
    },
    async close() {
      await fb.stop();
      await Promise.all([slack.close(), discord.close(), hubspot.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return fb;
}
