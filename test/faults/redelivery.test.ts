import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { signStandardWebhook } from '../../src/receive/auth/verify-standard-webhook.js';
import { FAULT_CHANNEL, startFaultBridge, visit, type FaultBridge } from './fault-bridge.js';

/**
 * Redelivery of an event fires nothing new: the same body (same content id), or the same delivery
 * id (`webhook-id`), answers 200 duplicate and stores no job, also after a restart on the same
 * DATA_DIR (the dedupe is in the store, not in memory).
 */

const ALL_FOUR = (auth: string) => `version: 1
destinations:
  slack: { kind: slack, token: "\${SLACK_BOT_TOKEN}", channel: "#alerts" }
  webhook: { kind: discord, webhook_url: "\${DISCORD_WEBHOOK_URL}" }
  bot: { kind: discord, bot_token: "\${DISCORD_BOT_TOKEN}", channel_id: "${FAULT_CHANNEL}" }
  hubspot: { kind: hubspot, access_token: "\${HUBSPOT_ACCESS_TOKEN}" }
${auth}
rules:
  - name: everywhere
    on: user.visited
    actions:
      - slack: { destination: slack, text: "visit {{ user.name }}" }
      - discord: { destination: webhook, content: "visit {{ user.name }}" }
      - discord: { destination: bot, content: "visit {{ user.name }}" }
      - hubspot: { destination: hubspot, upsert_contact: { email: "{{ user.email }}" } }
`;

let fb: FaultBridge | undefined;
afterEach(async () => {
  await fb?.close();
  fb = undefined;
});

/** Everything the vendors and the store hold, to compare before and after a redelivery. */
async function snapshot(f: FaultBridge) {
  const counts = await f.bridge.store.deliveries.counts();
  return {
    calls: [f.slack.calls.length, f.discord.calls.length, f.hubspot.calls.length],
    jobs: Object.values(counts).reduce((a, b) => a + b, 0),
    done: counts.done,
  };
}

async function deliveredOnce(f: FaultBridge, eventId: string): Promise<void> {
  const ids = ['0', '1', '2', '3'].map((i) => `${eventId}:everywhere:${i}`);
  const jobs = await Promise.all(ids.map((id) => f.settled(id)));
  expect(jobs.map((j) => j.status)).toEqual(['done', 'done', 'done', 'done']);
  expect([f.slack.messages.length, f.discord.messages.length, f.hubspot.contacts.size]).toEqual([1, 2, 1]);
}

const body = JSON.stringify(visit('slack', 1));
/** The same event, re-serialised: other key order and whitespace, same content. */
const reordered = (() => {
  const v = visit('slack', 1);
  return JSON.stringify({ server: v.server, event: v.event, date: v.date, user: v.user, owner: v.owner }, null, 2);
})();

interface Redelivery {
  readonly name: string;
  readonly first: Record<string, string>;
  readonly again: string;
  readonly againHeaders: Record<string, string>;
}

describe.each([false, true])('redelivery (after a restart on the same DATA_DIR: %s)', (restart) => {
  it.each<Redelivery>([
    { name: 'the same body, no delivery id', first: {}, again: reordered, againHeaders: {} },
    { name: 'the same delivery id and body', first: { 'webhook-id': 'msg_1' }, again: body, againHeaders: { 'webhook-id': 'msg_1' } },
    { name: 'the same delivery id, body changed in transit', first: { 'webhook-id': 'msg_1' }, again: JSON.stringify(visit('slack', 2)), againHeaders: { 'webhook-id': 'msg_1' } },
  ])('$name answers 200 duplicate and fires nothing', async ({ first, again, againHeaders }) => {
    fb = await startFaultBridge({ rules: ALL_FOUR('') });
    const f = fb;
    const res = await f.post(body, first);
    expect(res.status).toBe(202);
    const { id } = res.json as { id: string };
    await deliveredOnce(f, id);
    const before = await snapshot(f);

    if (restart) await f.restart();
    const dup = await f.post(again, againHeaders);
    expect(dup).toEqual({ status: 200, json: { status: 'duplicate', id } });
    await f.idle();
    expect(await snapshot(f)).toEqual(before);
  });
});

describe('signed deliveries (Standard Webhooks)', () => {
  it("a sender's retry (same webhook-id, fresh signature) is a duplicate; a byte-for-byte replay is refused, and after a restart is a duplicate", async () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    fb = await startFaultBridge({
      rules: ALL_FOUR('auth:\n  standard_webhooks: { secrets: ["${WEBHOOK_SECRET}"] }'),
      env: { WEBHOOK_SECRET: secret },
    });
    const f = fb;
    const signed = (ts: number) => ({ 'webhook-id': 'msg_signed', 'webhook-timestamp': String(ts), 'webhook-signature': signStandardWebhook(secret, 'msg_signed', ts, body) });
    const now = Math.floor(Date.now() / 1000);
    const original = signed(now);

    expect(await f.post(body, original)).toEqual({ status: 202, json: { status: 'accepted', id: 'msg_signed' } });
    await deliveredOnce(f, 'msg_signed');
    const before = await snapshot(f);

    expect(await f.post(body, signed(now + 1))).toEqual({ status: 200, json: { status: 'duplicate', id: 'msg_signed' } });
    const replay = await f.post(body, original);
    expect(replay.status).toBe(401);
    await f.restart();
    expect(await f.post(body, original)).toEqual({ status: 200, json: { status: 'duplicate', id: 'msg_signed' } });
    await f.idle();
    expect(await snapshot(f)).toEqual(before);
  });
});
