import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discordReplies } from '../fakes/fake-discord.js';
import { slackReplies } from '../fakes/fake-slack.js';
import { series } from '../observe/metric-lines.js';
import { joinOf, visitBy } from '../observe/sample-events.js';
import { BUNDLED_RULES, startOpsBridge, type OpsBridge } from '../observe/start-ops-bridge.js';

/**
 * Issue 5, metrics: a known sequence of events through the real bridge, then the exact series at
 * /metrics. Two VIP visits (Slack + HubSpot each), one non-VIP visit (HubSpot), one join (Discord),
 * one redelivery, one malformed body, and the first VIP back (HubSpot; Slack suppressed by the
 * cooldown); Slack answers 503 once (one retry), Discord 404 (a dead letter).
 * Then one good and one refused rules reload.
 */

let t: OpsBridge;
let text = '';
let version = '';

const scrape = async (): Promise<string> => {
  const res = await t.get('/metrics');
  expect(res.status).toBe(200);
  return res.text;
};

beforeAll(async () => {
  t = await startOpsBridge();
  t.slack.failNext(1, slackReplies.http(503));
  t.discord.failNext(1, discordReplies.error(404, 10015, 'Unknown Webhook'));
  const other = visitBy('someone@else.example', '2025-09-12T10:02:00.000Z', 'Some One');
  const statuses = [
    (await t.post(visitBy('janedoe@example.com', '2025-09-12T10:00:00.000Z'))).status,
    (await t.post(visitBy('alex@bigcustomer.com', '2025-09-12T10:01:00.000Z', 'Alex Big'))).status,
    (await t.post(other)).status,
    (await t.post(joinOf('Newcomer', '2025-09-12T10:03:00.000Z'))).status,
    (await t.post(other)).status,
    (await t.post('{"user": ')).status,
    (await t.post(visitBy('janedoe@example.com', '2025-09-12T10:04:00.000Z'))).status,
  ];
  expect(statuses).toEqual([202, 202, 202, 202, 200, 400, 202]);
  // Four visits by three people: Jane's two may share one batch upsert (merged, visits "2") or not.
  type Input = { id: string; properties: Record<string, string> };
  const inputs = () => t.hubspot.upsertCalls().flatMap((c) => (c.json as { inputs: Input[] }).inputs);
  const allSynced = () => new Set(inputs().map((i) => i.id)).size === 3 && inputs().some((i) => i.id === 'janedoe@example.com' && i.properties['returning_visits'] === '2');
  await t.slack.waitFor(() => t.slack.messages.length === 2);
  await t.hubspot.waitFor(allSynced);
  await t.bridge.idle();
  version = t.bridge.holder.current().version;
  text = await scrape();
});
afterAll(async () => {
  await t?.close();
});

describe('/metrics after a known sequence of events', () => {
  it('counts events by type and outcome (refusals as type "unknown")', () => {
    expect(series(text, 'bridge_events_received_total')).toEqual([
      'bridge_events_received_total{type="unknown",outcome="rejected"} 1',
      'bridge_events_received_total{type="user.joined",outcome="accepted"} 1',
      'bridge_events_received_total{type="user.visited",outcome="accepted"} 4',
      'bridge_events_received_total{type="user.visited",outcome="duplicate"} 1',
    ]);
  });

  it('counts rule matches (a redelivery matches nothing new)', () => {
    expect(series(text, 'bridge_rule_matches_total')).toEqual([
      'bridge_rule_matches_total{rule="join-discord"} 1',
      'bridge_rule_matches_total{rule="vip-visit-slack"} 2',
      'bridge_rule_matches_total{rule="visit-hubspot-sync"} 4',
    ]);
  });

  it('counts suppressed matches by rule and reason, and jobs sent by rule (a dead letter is not sent)', () => {
    expect(series(text, 'bridge_rule_suppressed_total')).toEqual(['bridge_rule_suppressed_total{rule="vip-visit-slack",reason="cooldown"} 1']);
    expect(series(text, 'bridge_rule_sent_total')).toEqual([
      'bridge_rule_sent_total{rule="vip-visit-slack"} 2',
      'bridge_rule_sent_total{rule="visit-hubspot-sync"} 4',
    ]);
  });

  it('counts action attempts by destination, kind and what the sender said', () => {
    expect(series(text, 'bridge_actions_total')).toEqual([
      'bridge_actions_total{destination="community-joins",kind="discord",outcome="fail"} 1',
      'bridge_actions_total{destination="crm",kind="hubspot",outcome="ok"} 4',
      'bridge_actions_total{destination="vip-alerts",kind="slack",outcome="ok"} 2',
      'bridge_actions_total{destination="vip-alerts",kind="slack",outcome="retry"} 1',
    ]);
  });

  it('counts retries and dead letters by destination', () => {
    expect(series(text, 'bridge_action_retries_total')).toEqual(['bridge_action_retries_total{destination="vip-alerts"} 1']);
    expect(series(text, 'bridge_dead_letters_total')).toEqual(['bridge_dead_letters_total{destination="community-joins"} 1']);
  });

  it('reads the queue depth from the store on each scrape', () => {
    expect(series(text, 'bridge_queue_depth')).toEqual([
      'bridge_queue_depth{status="ambiguous"} 0',
      'bridge_queue_depth{status="dead"} 1',
      'bridge_queue_depth{status="done"} 6',
      'bridge_queue_depth{status="pending"} 0',
      'bridge_queue_depth{status="running"} 0',
    ]);
  });

  it('observes ack latency for every webhook request and delivery latency for every delivered job', () => {
    expect(series(text, 'bridge_ack_latency_seconds_count')).toEqual(['bridge_ack_latency_seconds_count 7']);
    expect(series(text, 'bridge_delivery_latency_seconds_count')).toEqual([
      'bridge_delivery_latency_seconds_count{destination="crm"} 4',
      'bridge_delivery_latency_seconds_count{destination="vip-alerts"} 2',
    ]);
  });

  it('shows the rules version in force and no reloads yet', () => {
    expect(series(text, 'bridge_rules_info')).toEqual([`bridge_rules_info{version="${version}"} 1`]);
    expect(series(text, 'bridge_rules_reloads_total')).toEqual([]);
  });

  it("serves Prometheus' text format with Node's process metrics", async () => {
    const res = await fetch(`${t.bridge.url}/metrics`);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await res.text()).toMatch(/^process_cpu_user_seconds_total \d/m);
  });

  it('counts reloads by outcome and moves bridge_rules_info to the new version', async () => {
    const good = readFileSync(BUNDLED_RULES, 'utf8').replace('VIP visit: {{ user.name }}', 'VIP here: {{ user.name }}');
    t.writeRules(good);
    expect(await t.bridge.watcher.reload()).toBe(true);
    const next = t.bridge.holder.current().version;
    t.writeRules('version: 1\nrules: [');
    expect(await t.bridge.watcher.reload()).toBe(false);
    const after = await scrape();
    expect(next).not.toBe(version);
    expect(series(after, 'bridge_rules_reloads_total')).toEqual([
      'bridge_rules_reloads_total{outcome="error"} 1',
      'bridge_rules_reloads_total{outcome="ok"} 1',
    ]);
    expect(series(after, 'bridge_rules_info')).toEqual([`bridge_rules_info{version="${next}"} 1`]);
  });
});
