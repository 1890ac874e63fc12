import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/observe/metrics.js';

const lines = async (m: ReturnType<typeof createMetrics>): Promise<string[]> => (await m.registry.metrics()).split('\n');

describe('createMetrics', () => {
  it('counts a known sequence of calls under the documented names and labels', async () => {
    const m = createMetrics();
    m.eventReceived('user.visited', 'accepted');
    m.eventReceived('user.visited', 'accepted');
    m.eventReceived('user.visited', 'duplicate');
    m.eventReceived('unknown', 'rejected');
    m.eventReceived('unknown', 'unauthorized');
    m.ruleMatched('vip-visit');
    m.ruleMatched('vip-visit');
    m.ruleSuppressed('vip-visit', 'cooldown');
    m.ruleSent('vip-visit');
    m.ruleShadowMatched('new-welcome');
    m.actionOutcome('eng-alerts', 'slack', 'retry');
    m.actionOutcome('eng-alerts', 'slack', 'ok');
    m.actionOutcome('crm', 'hubspot', 'ambiguous');
    m.actionOutcome('crm', 'hubspot', 'dead');
    m.actionOutcome('community', 'discord', 'dry_run');
    m.actionRetried('eng-alerts');
    m.actionRetried('crm');
    m.actionRetried('crm');
    m.deadLettered('crm');
    m.rulesReloaded(true);
    m.rulesReloaded(false);
    m.rulesReloaded(true);
    m.setRulesVersion('0123456789ab');

    expect(await lines(m)).toEqual(expect.arrayContaining([
      '# TYPE bridge_events_received_total counter',
      'bridge_events_received_total{type="user.visited",outcome="accepted"} 2',
      'bridge_events_received_total{type="user.visited",outcome="duplicate"} 1',
      'bridge_events_received_total{type="unknown",outcome="rejected"} 1',
      'bridge_events_received_total{type="unknown",outcome="unauthorized"} 1',
      'bridge_rule_matches_total{rule="vip-visit"} 2',
      'bridge_rule_suppressed_total{rule="vip-visit",reason="cooldown"} 1',
      'bridge_rule_sent_total{rule="vip-visit"} 1',
      'bridge_rule_shadow_matches_total{rule="new-welcome"} 1',
      'bridge_actions_total{destination="eng-alerts",kind="slack",outcome="retry"} 1',
      'bridge_actions_total{destination="eng-alerts",kind="slack",outcome="ok"} 1',
      'bridge_actions_total{destination="crm",kind="hubspot",outcome="ambiguous"} 1',
      'bridge_actions_total{destination="crm",kind="hubspot",outcome="dead"} 1',
      'bridge_actions_total{destination="community",kind="discord",outcome="dry_run"} 1',
      'bridge_action_retries_total{destination="eng-alerts"} 1',
      'bridge_action_retries_total{destination="crm"} 2',
      'bridge_dead_letters_total{destination="crm"} 1',
      'bridge_rules_reloads_total{outcome="ok"} 2',
      'bridge_rules_reloads_total{outcome="error"} 1',
      '# TYPE bridge_rules_info gauge',
      'bridge_rules_info{version="0123456789ab"} 1',
    ]));
  });

  it('keeps only the rules version in force in bridge_rules_info', async () => {
    const m = createMetrics();
    m.setRulesVersion('aaaaaaaaaaaa');
    m.setRulesVersion('bbbbbbbbbbbb');
    expect((await lines(m)).filter((l) => l.startsWith('bridge_rules_info'))).toEqual([
      'bridge_rules_info{version="bbbbbbbbbbbb"} 1',
    ]);
  });

  it('buckets ack and delivery latencies', async () => {
    const m = createMetrics();
    // Binary fractions, so the _sum line is exact.
    m.observeAck(0.00390625);
    m.observeAck(0.0625);
    m.observeDelivery('eng-alerts', 0.8);
    m.observeDelivery('eng-alerts', 95);
    expect(await lines(m)).toEqual(expect.arrayContaining([
      '# TYPE bridge_ack_latency_seconds histogram',
      'bridge_ack_latency_seconds_bucket{le="0.001"} 0',
      'bridge_ack_latency_seconds_bucket{le="0.005"} 1',
      'bridge_ack_latency_seconds_bucket{le="0.05"} 1',
      'bridge_ack_latency_seconds_bucket{le="0.1"} 2',
      'bridge_ack_latency_seconds_bucket{le="+Inf"} 2',
      'bridge_ack_latency_seconds_sum 0.06640625',
      'bridge_ack_latency_seconds_count 2',
      'bridge_delivery_latency_seconds_bucket{le="1",destination="eng-alerts"} 1',
      'bridge_delivery_latency_seconds_bucket{le="60",destination="eng-alerts"} 1',
      'bridge_delivery_latency_seconds_bucket{le="120",destination="eng-alerts"} 2',
      'bridge_delivery_latency_seconds_count{destination="eng-alerts"} 2',
    ]));
  });

  it('counts digests sent per rule and buckets their items', async () => {
    const m = createMetrics();
    m.digestSent('vip-digest', 3);
    m.digestSent('vip-digest', 40);
    m.digestSent('daily', 1);
    expect(await lines(m)).toEqual(expect.arrayContaining([
      'bridge_digests_sent_total{rule="vip-digest"} 2',
      'bridge_digests_sent_total{rule="daily"} 1',
      '# TYPE bridge_digest_items histogram',
      'bridge_digest_items_bucket{le="1"} 1',
      'bridge_digest_items_bucket{le="5"} 2',
      'bridge_digest_items_bucket{le="25"} 2',
      'bridge_digest_items_bucket{le="50"} 3',
      'bridge_digest_items_sum 44',
      'bridge_digest_items_count 3',
    ]));
  });

  it('reads queue depth from the injected source on every scrape', async () => {
    const m = createMetrics();
    expect((await lines(m)).filter((l) => l.startsWith('bridge_queue_depth'))).toEqual([]);
    let depth: Record<string, number> = { pending: 3, dead: 1 };
    m.setQueueDepthSource(() => depth);
    expect((await lines(m)).filter((l) => l.startsWith('bridge_queue_depth'))).toEqual([
      'bridge_queue_depth{status="pending"} 3',
      'bridge_queue_depth{status="dead"} 1',
    ]);
    depth = { pending: 0 };
    expect((await lines(m)).filter((l) => l.startsWith('bridge_queue_depth'))).toEqual([
      'bridge_queue_depth{status="pending"} 0',
    ]);
  });

  it('still serves the other metrics when the queue depth source fails', async () => {
    const m = createMetrics();
    m.eventReceived('user.joined', 'error');
    m.setQueueDepthSource(() => { throw new Error('database is locked'); });
    const text = await lines(m);
    expect(text).toContain('bridge_events_received_total{type="user.joined",outcome="error"} 1');
    expect(text.filter((l) => l.startsWith('bridge_queue_depth'))).toEqual([]);
  });

  it.each([
    { defaults: true, has: true },
    { defaults: false, has: false },
  ])('includes Node default metrics only when asked (defaults: $defaults)', async ({ defaults, has }) => {
    const text = await createMetrics({ defaults }).registry.metrics();
    expect(text.includes('# TYPE process_cpu_user_seconds_total counter')).toBe(has);
  });

  it('gives each instance its own registry', async () => {
    const a = createMetrics({ defaults: true });
    const b = createMetrics({ defaults: true });
    a.ruleMatched('only-a');
    expect(await a.registry.metrics()).toContain('bridge_rule_matches_total{rule="only-a"} 1');
    expect(await b.registry.metrics()).not.toContain('only-a');
  });

  it('serves /metrics from an Express app with the Prometheus content type', async () => {
    const m = createMetrics();
    m.eventReceived('user.visited', 'accepted');
    const app = express();
    app.get('/metrics', m.handler);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect((await res.text()).split('\n')).toContain('bridge_events_received_total{type="user.visited",outcome="accepted"} 1');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
