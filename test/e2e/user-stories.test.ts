import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userIdOf } from '../observe/sample-events.js';
import { DISCORD_WEBHOOK, startTestBridge, type TestBridge } from './start-test-bridge.js';

/**
 * The three user stories of the bundled rules.yaml, end to end: HTTP into the Express app, through
 * the rules and the durable store, out through the REAL Slack, Discord and HubSpot clients to fake
 * servers that speak each wire protocol.
 */

const docsVisit = (): Record<string, any> => JSON.parse(readFileSync(new URL('../fixtures/events/visit.json', import.meta.url), 'utf8'));

const visitBy = (email: string, name = 'Jane Doe', date = '2025-09-02T09:41:04.769Z') => {
  const v = docsVisit();
  v.user.id = userIdOf(email);
  v.user.email = email;
  v.user.name = name;
  v.date = date;
  return v;
};

const joinOf = (name: string) => {
  const v = docsVisit();
  v.user.name = name;
  v.event = { name: 'User Joins Server', description: 'Triggers when a user joins the server' };
  return v;
};

let t: TestBridge;
beforeAll(async () => {
  t = await startTestBridge();
});
afterAll(async () => {
  await t?.close();
});

const settled = async () => {
  await t.bridge.idle();
};

describe('story 1: a Slack alert when a VIP visits', () => {
  it("posts chat.postMessage for the docs' sample visitor (VIP by email) and syncs HubSpot", async () => {
    const res = await t.post(docsVisit());
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ status: 'accepted' });
    await t.slack.waitFor(() => t.slack.messages.length === 1, 5000);
    await t.hubspot.waitFor(() => t.hubspot.upsertCalls().length === 1, 5000);

    const [msg] = t.slack.messages;
    expect(msg?.channel).toBe('#vip-visits');
    expect(msg?.text).toBe("VIP visit: Jane Doe (janedoe@example.com) is in John's community");
    expect(msg?.params.link_names).toBeUndefined();
    const post = t.slack.calls.find((c) => c.path === '/api/chat.postMessage');
    expect(post?.headers.authorization).toBe('Bearer xoxb-test-token');
    expect(post?.headers['content-type']).toContain('application/x-www-form-urlencoded');

    // The visit counters are the bridge's memory of the user, at the bridge's receive time.
    const at = new Date((await t.bridge.store.deliveries.getEvent((res.json as { id: string }).id))?.receivedAt ?? 0).toISOString();
    const upsert = t.hubspot.upsertCalls()[0];
    expect(upsert?.json).toEqual({
      inputs: [
        {
          idProperty: 'email',
          id: 'janedoe@example.com',
          objectWriteTraceId: expect.stringMatching(/^bridge-/),
          properties: {
            email: 'janedoe@example.com',
            firstname: 'Jane',
            lastname: 'Doe',
            returning_visits: '1',
            returning_first_visit: at,
            returning_last_visit: at,
            returning_community: "John's community",
          },
        },
      ],
    });
    expect(upsert?.headers.authorization).toBe('Bearer pat-na1-test');
  });

  it('alerts for a VIP by email domain, case-insensitively', async () => {
    const before = t.slack.messages.length;
    const res = await t.post(visitBy('Alex@BigCustomer.com', 'Alex Big', '2025-09-03T10:00:00.000Z'));
    expect(res.status).toBe(202);
    await t.slack.waitFor(() => t.slack.messages.length === before + 1, 5000);
    expect(t.slack.messages.at(-1)?.text).toBe("VIP visit: Alex Big (Alex@BigCustomer.com) is in John's community");
  });

  it('sends nothing to Slack for a non-VIP visitor (HubSpot still syncs every visit)', async () => {
    await settled();
    const slackBefore = t.slack.calls.length;
    const upserted = (email: string) =>
      t.hubspot.upsertCalls().some((c) => (c.json as { inputs: { id: string }[] }).inputs.some((i) => i.id === email));
    const res = await t.post(visitBy('someone@else.example', 'Some One', '2025-09-04T10:00:00.000Z'));
    expect(res.status).toBe(202);
    await t.hubspot.waitFor(() => upserted('someone@else.example'), 5000);
    await settled();
    expect(t.slack.calls.length).toBe(slackBefore);
  });
});

describe('memory: the same VIP back within the cooldown', () => {
  it('alerts Slack once per VIP in 12 hours, and HubSpot gets the visit count with the first and last visit', async () => {
    await settled();
    const receivedAt = async (res: { json: unknown }) => (await t.bridge.store.deliveries.getEvent((res.json as { id: string }).id))?.receivedAt ?? 0;
    const slackBefore = t.slack.messages.length;
    const upsertsBefore = t.hubspot.upsertCalls().length;
    const firstVisit = (await t.bridge.store.deliveries.listEvents({ limit: 100 })).filter((e) => e.type === 'user.visited').at(-1);
    expect(firstVisit?.decision?.summary).toBe('matched vip-visit-slack, visit-hubspot-sync');

    const again = await t.post(visitBy('janedoe@example.com', 'Jane Doe', '2025-09-07T10:00:00.000Z'));
    expect(again.status).toBe(202);
    await t.hubspot.waitFor(() => t.hubspot.upsertCalls().length === upsertsBefore + 1, 5000);
    await settled();

    expect(t.slack.messages.length).toBe(slackBefore);
    const decision = await t.bridge.store.planner.decisionOf((again.json as { id: string }).id);
    expect(decision?.summary).toBe('matched visit-hubspot-sync; suppressed vip-visit-slack (cooldown)');
    expect(decision?.rules.find((r) => r.rule === 'vip-visit-slack')).toMatchObject({ outcome: 'suppressed', reason: 'cooldown', until: (firstVisit?.receivedAt ?? 0) + 12 * 3_600_000 });
    const inputs = (t.hubspot.upsertCalls().at(-1)?.json as { inputs: { id: string; properties: Record<string, string> }[] }).inputs;
    expect(inputs.map((i) => [i.id, i.properties.returning_visits, i.properties.returning_first_visit, i.properties.returning_last_visit])).toEqual([
      ['janedoe@example.com', '2', new Date(firstVisit?.receivedAt ?? 0).toISOString(), new Date(await receivedAt(again)).toISOString()],
    ]);
  });
});

describe('story 2: a Discord post when a user joins', () => {
  it('executes the channel webhook with content and empty allowed_mentions', async () => {
    const res = await t.post(joinOf('Newcomer'));
    expect(res.status).toBe(202);
    await t.discord.waitFor(() => t.discord.messages.length === 1, 5000);
    const [msg] = t.discord.messages;
    expect(msg?.via).toBe('webhook');
    expect(msg?.webhookId).toBe(DISCORD_WEBHOOK.id);
    expect(msg?.body.content).toBe("Welcome to John's community, Newcomer!");
    expect(msg?.body.allowed_mentions).toEqual({ parse: [] });
    const call = t.discord.calls.find((c) => c.path.startsWith('/api/v10/webhooks/'));
    expect(call?.path).toBe(`/api/v10/webhooks/${DISCORD_WEBHOOK.id}/${DISCORD_WEBHOOK.token}`);
    expect(call?.query.get('wait')).toBe('true');
  });

  it('cannot ping @everyone or forge a link from a user name', async () => {
    const res = await t.post(joinOf('@everyone [free nitro](https://evil.example)'));
    expect(res.status).toBe(202);
    await t.discord.waitFor(() => t.discord.messages.length === 2, 5000);
    const body = t.discord.messages[1]?.body;
    expect(body?.allowed_mentions).toEqual({ parse: [] });
    expect(body?.content).not.toContain('@everyone');
    expect(body?.content).not.toContain('[free nitro](https://evil.example)');
  });
});

describe('events that match no rule, and redeliveries', () => {
  it('a message event matches nothing and sends nothing', async () => {
    const counts = [t.slack.calls.length, t.discord.calls.length, t.hubspot.calls.length];
    const msg = docsVisit();
    msg.event = { name: 'New Message Posted Anywhere' };
    msg.message = { id: 'm1', content: 'hello' };
    const res = await t.post(msg);
    expect(res.status).toBe(202);
    await settled();
    expect([t.slack.calls.length, t.discord.calls.length, t.hubspot.calls.length]).toEqual(counts);
  });

  it('a redelivery of the same payload answers 200 duplicate and fires nothing', async () => {
    const v = visitBy('ceo@partner.example', 'Pat Partner', '2025-09-05T10:00:00.000Z');
    const first = await t.post(v);
    expect(first.status).toBe(202);
    const before = t.slack.messages.length;
    await t.slack.waitFor(() => t.slack.messages.length === before + 1, 5000);
    // idle() returns while HubSpot's batch lingers (up to 1 s): wait for this visit's upsert itself.
    await t.hubspot.waitFor(() => t.hubspot.upsertCalls().some((c) => JSON.stringify(c.json).includes('"ceo@partner.example"')), 5000);
    await settled();
    const counts = [t.slack.calls.length, t.hubspot.calls.length];
    // Same content, different key order and whitespace: the same event.
    const again = await t.post(JSON.stringify({ server: v.server, event: v.event, date: v.date, user: v.user, owner: v.owner }, null, 2));
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ status: 'duplicate', id: (first.json as { id: string }).id });
    await settled();
    expect([t.slack.calls.length, t.hubspot.calls.length]).toEqual(counts);
  });

  it('the same delivery id is a duplicate even with a different body', async () => {
    const a = await t.post(visitBy('x1@else.example', 'X', '2025-09-06T10:00:00.000Z'), { 'webhook-id': 'msg_same' });
    const b = await t.post(visitBy('x2@else.example', 'X', '2025-09-06T10:00:01.000Z'), { 'webhook-id': 'msg_same' });
    expect([a.status, b.status]).toEqual([202, 200]);
  });

  it('serves /healthz', async () => {
    const res = await fetch(`${t.bridge.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});
