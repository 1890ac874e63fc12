import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signStandardWebhook } from '../../src/receive/auth/verify-standard-webhook.js';
import { discordReplies } from '../fakes/fake-discord.js';
import { slackReplies } from '../fakes/fake-slack.js';
import { captureLog, type LogLine } from '../observe/capture-log.js';
import { joinOf, visitBy } from '../observe/sample-events.js';
import { waitUntil } from '../observe/wait-until.js';
import { BUNDLED_RULES, startOpsBridge, type OpsBridge } from '../observe/start-ops-bridge.js';

/**
 * Issue 5, logs: through the real bridge, one line per received event and one per settled action
 * attempt, the event id on every line about an event, and no secret anywhere, error paths included
 * (Slack invalid_auth, Discord 404 Unknown Webhook, HubSpot 401, refused signatures and keys).
 */

const SECRETS = {
  slackToken: 'xoxb-1111-2222-SlackSecretToken',
  discordToken: `DiscordSecretToken_${'x'.repeat(40)}`,
  hubspotToken: 'pat-na1-HubspotSecretToken',
  apiKey: 'api-key-ApiKeySecretValue',
  wrongApiKey: 'api-key-WrongKeySecretValue',
  webhookSecret: `whsec_${Buffer.from('webhook-secret-WebhookSecret-0123').toString('base64')}`,
  wrongSecret: `whsec_${Buffer.from('attacker-secret-AttackerSecret-01').toString('base64')}`,
};
const DISCORD_URL = `https://discord.com/api/webhooks/444444444444444444/${SECRETS.discordToken}`;

const AUTH = `
auth:
  api_key:
    key: \${BRIDGE_API_KEY}
  standard_webhooks:
    secrets:
      - \${BRIDGE_WEBHOOK_SECRET}
`;

const ENV = {
  SLACK_BOT_TOKEN: SECRETS.slackToken,
  DISCORD_WEBHOOK_URL: DISCORD_URL,
  HUBSPOT_ACCESS_TOKEN: SECRETS.hubspotToken,
  BRIDGE_API_KEY: SECRETS.apiKey,
  BRIDGE_WEBHOOK_SECRET: SECRETS.webhookSecret,
};

const OUTCOME_MESSAGES = ['action delivered', 'will retry', 'dead letter', 'ambiguous outcome'];

let t: OpsBridge;
/** Every signature the test sent, good or bad: none may be logged. */
const sentSignatures: string[] = [];

function signed(body: string, opts: { id: string; ts?: number; secret?: string; apiKey?: string }): Record<string, string> {
  const ts = opts.ts ?? Math.floor(Date.now() / 1000);
  const signature = signStandardWebhook(opts.secret ?? SECRETS.webhookSecret, opts.id, ts, body);
  sentSignatures.push(signature);
  return { 'x-api-key': opts.apiKey ?? SECRETS.apiKey, 'webhook-id': opts.id, 'webhook-timestamp': String(ts), 'webhook-signature': signature };
}

async function postSigned(event: unknown, opts: Parameters<typeof signed>[1]) {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  return t.post(body, signed(body, opts));
}

const responses: { status: number; json: unknown }[] = [];

beforeAll(async () => {
  t = await startOpsBridge({ rules: readFileSync(BUNDLED_RULES, 'utf8') + AUTH, env: ENV });
  t.slack.failNext(1, slackReplies.error('invalid_auth'));
  t.discord.failNext(1, discordReplies.error(404, 10015, 'Unknown Webhook'));
  t.hubspot.failNext(1, { status: 401, body: { status: 'error', message: 'Authentication credentials not found.', correlationId: 'c0ffee-1', category: 'INVALID_AUTHENTICATION' } });

  const visit = JSON.stringify(visitBy('janedoe@example.com', '2025-09-10T10:00:00.000Z'));
  const ts = Math.floor(Date.now() / 1000);
  responses.push(await postSigned(visit, { id: 'msg_visit_1', ts }));
  responses.push(await postSigned(joinOf('Newcomer', '2025-09-10T10:01:00.000Z'), { id: 'msg_join_1' }));
  // A redelivery: same webhook-id, a fresh timestamp and signature.
  responses.push(await postSigned(visit, { id: 'msg_visit_1', ts: ts + 1 }));
  responses.push(await postSigned(visit, { id: 'msg_forged', secret: SECRETS.wrongSecret }));
  responses.push(await postSigned(visit, { id: 'msg_wrong_key', apiKey: SECRETS.wrongApiKey }));
  responses.push(await postSigned('{"user": ', { id: 'msg_malformed' }));
  await t.bridge.idle();
  // idle() does not wait out a HubSpot batch's linger (batchWaitMs): wait for all three dead letters.
  await waitUntil(() => t.log.withMsg('dead letter').length === 3, 'three dead-letter lines');
});
afterAll(async () => {
  await t?.close();
});

const lines = (): LogLine[] => t.log.lines();

describe('logs through the real bridge', () => {
  it('answered the sequence as expected (accepted, accepted, duplicate, 401, 401, 400)', () => {
    expect(responses.map((r) => r.status)).toEqual([202, 202, 200, 401, 401, 400]);
  });

  it('writes one "event received" line per accepted or duplicate event, with its id, type and outcome', () => {
    expect(t.log.withMsg('event received').map(({ eventId, type, outcome }) => ({ eventId, type, outcome }))).toEqual([
      { eventId: 'msg_visit_1', type: 'user.visited', outcome: 'accepted' },
      { eventId: 'msg_join_1', type: 'user.joined', outcome: 'accepted' },
      { eventId: 'msg_visit_1', type: 'user.visited', outcome: 'duplicate' },
    ]);
  });

  it('writes one "event planned" line per accepted event, with the rules that matched and its jobs', () => {
    expect(t.log.withMsg('event planned').map(({ eventId, type, rules, jobs, decision }) => ({ eventId, type, rules, jobs, decision }))).toEqual([
      { eventId: 'msg_visit_1', type: 'user.visited', rules: ['vip-visit-slack', 'visit-hubspot-sync'], jobs: 2, decision: 'matched vip-visit-slack, visit-hubspot-sync' },
      { eventId: 'msg_join_1', type: 'user.joined', rules: ['join-discord'], jobs: 1, decision: 'matched join-discord' },
    ]);
  });

  it('writes one "request refused" line per refused request, with the status and the reason', () => {
    expect(t.log.withMsg('request refused').map(({ status, code, reason, path }) => ({ status, code, reason, path }))).toEqual([
      { status: 401, code: 'unauthorized', reason: 'no matching webhook-signature', path: '/webhooks/returning-ai' },
      { status: 401, code: 'unauthorized', reason: 'wrong x-api-key', path: '/webhooks/returning-ai' },
      { status: 400, code: expect.any(String), reason: expect.any(String), path: '/webhooks/returning-ai' },
    ]);
  });

  it('writes exactly one line per settled action attempt, with event, job, destination, kind, outcome, attempts and reason', () => {
    const settled = lines().filter((l) => OUTCOME_MESSAGES.includes(l.msg ?? ''));
    expect(settled.map(({ msg, eventId, jobId, destination, kind, outcome, result, attempts, reason }) => ({ msg, eventId, jobId, destination, kind, outcome, result, attempts, reason }))).toEqual(
      expect.arrayContaining([
        { msg: 'dead letter', eventId: 'msg_visit_1', jobId: 'msg_visit_1:vip-visit-slack:0', destination: 'vip-alerts', kind: 'slack', outcome: 'fail', result: 'dead', attempts: 1, reason: 'slack error: invalid_auth' },
        { msg: 'dead letter', eventId: 'msg_visit_1', jobId: 'msg_visit_1:visit-hubspot-sync:0', destination: 'crm', kind: 'hubspot', outcome: 'fail', result: 'dead', attempts: 1, reason: 'hubspot upsert 401 INVALID_AUTHENTICATION (correlationId c0ffee-1)' },
        { msg: 'dead letter', eventId: 'msg_join_1', jobId: 'msg_join_1:join-discord:0', destination: 'community-joins', kind: 'discord', outcome: 'fail', result: 'dead', attempts: 1, reason: 'discord 404 (code 10015: Unknown Webhook)' },
      ]),
    );
    expect(settled).toHaveLength(3);
    expect(settled.every((l) => l.level === 40)).toBe(true);
  });

  it('puts the event id on every line that is about an event or a job', () => {
    const about = lines().filter((l) => 'jobId' in l || 'jobs' in l || 'eventIds' in l || l.msg === 'event received' || l.msg === 'event planned');
    expect(about.length).toBeGreaterThanOrEqual(6);
    for (const l of about) expect(l.eventId ?? l.eventIds, JSON.stringify(l)).toBeDefined();
  });

  it('never writes a secret: tokens, the webhook URL, the API key, webhook secrets or signatures', () => {
    const text = t.log.raw.join('');
    const needles = [
      ...Object.values(SECRETS),
      DISCORD_URL,
      SECRETS.webhookSecret.slice('whsec_'.length),
      SECRETS.wrongSecret.slice('whsec_'.length),
      ...sentSignatures,
      ...sentSignatures.map((s) => s.slice('v1,'.length)),
    ];
    expect(sentSignatures.length).toBe(6);
    expect(needles.filter((n) => text.includes(n))).toEqual([]);
  });
});

describe('log levels', () => {
  it('LOG_LEVEL=warn keeps warnings (dead letters) and drops info lines (events received)', async () => {
    const w = await startOpsBridge({ log: captureLog('warn') });
    try {
      w.slack.failNext(1, slackReplies.error('channel_not_found'));
      expect((await w.post(visitBy('janedoe@example.com', '2025-09-11T10:00:00.000Z'))).status).toBe(202);
      await w.bridge.idle();
      const msgs = w.log.lines().map((l) => [l.level, l.msg]);
      expect(msgs).toContainEqual([40, 'dead letter']);
      expect(msgs.filter(([level]) => (level as number) < 40)).toEqual([]);
    } finally {
      await w.close();
    }
  });
});
