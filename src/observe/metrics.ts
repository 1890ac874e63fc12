import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/*
 * Metric names and labels are a public contract (dashboards and alerts depend on them):
 *
 * | name                                 | type      | labels                       | values / meaning                                             |
 * |--------------------------------------|-----------|------------------------------|--------------------------------------------------------------|
 * | bridge_events_received_total         | counter   | type, outcome                | accepted, duplicate, rejected, unauthorized, error           |
 * | bridge_rule_matches_total            | counter   | rule                         | events a rule matched                                        |
 * | bridge_rule_suppressed_total         | counter   | rule, reason                 | matches not sent: cooldown, quiet_hours (then: drop)        |
 * | bridge_rule_sent_total               | counter   | rule                         | jobs of a rule delivered (a dry run is not sent)             |
 * | bridge_actions_total                 | counter   | destination, kind, outcome   | ok, retry, fail, ambiguous, dry_run: the sender's verdict, one per attempt |
 * | bridge_action_retries_total          | counter   | destination                  | attempts scheduled again                                     |
 * | bridge_dead_letters_total            | counter   | destination                  | jobs given up on (a permanent failure or out of retries)      |
 * | bridge_queue_depth                   | gauge     | status                       | jobs per store status, read on each scrape                   |
 * | bridge_ack_latency_seconds           | histogram | -                            | request in → response out on the webhook route               |
 * | bridge_delivery_latency_seconds      | histogram | destination                  | event received → action done (after any retries)             |
 * | bridge_rules_reloads_total           | counter   | outcome                      | ok, error                                                    |
 * | bridge_rules_info                    | gauge     | version                      | 1 for the rules version in force                             |
 * | bridge_crm_lookups_total             | counter   | destination, outcome         | hit (cached answer), miss (HubSpot was asked), error: one per event lookup of crm.contact.* |
 * | bridge_rule_shadow_matches_total     | counter   | rule                         | matches of mode: shadow rules (nothing sent)                 |
 * | bridge_digests_sent_total            | counter   | rule                         | digest windows flushed into jobs                             |
 * | bridge_digest_items                  | histogram | -                            | items per digest flushed                                     |
 *
 * Plus Node's default process metrics (`process_*`, `nodejs_*`) when created with `defaults: true`.
 */

/** How the receiver answered one webhook. */
export type EventOutcome = 'accepted' | 'duplicate' | 'rejected' | 'unauthorized' | 'error';
/** What one action attempt came to, as counted (`dead`: given up; `dry_run`: not sent). */
export type ActionMetricOutcome = 'ok' | 'retry' | 'fail' | 'ambiguous' | 'dead' | 'dry_run';
/** Where a CRM lookup's answer came from: the cache, a call to HubSpot, or nowhere (the call failed). */
export type CrmLookupOutcome = 'hit' | 'miss' | 'error';
/** Jobs per store status, e.g. `{ pending: 3, dead: 1 }`. */
export type QueueDepthSource = () => Record<string, number> | Promise<Record<string, number>>;

/** The bridge's Prometheus metrics, behind typed helpers so no caller builds label objects. */
export interface Metrics {
  /** The registry these metrics live in (one per instance, never prom-client's global one). */
  readonly registry: Registry;
  eventReceived(type: string, outcome: EventOutcome): void;
  ruleMatched(rule: string): void;
  /** A `mode: shadow` rule matched: it would have sent, and sent nothing. */
  ruleShadowMatched(rule: string): void;
  ruleSuppressed(rule: string, reason: string): void;
  /** One job of `rule` was delivered (not a dry run). */
  ruleSent(rule: string): void;
  actionOutcome(destination: string, kind: string, outcome: ActionMetricOutcome): void;
  actionRetried(destination: string): void;
  deadLettered(destination: string): void;
  observeAck(seconds: number): void;
  observeDelivery(destination: string, seconds: number): void;
  rulesReloaded(ok: boolean): void;
  /** Marks `version` as the rules in force (the previous version's series is dropped). */
  setRulesVersion(version: string): void;
  /** One event's CRM lookup in a HubSpot destination: answered by the cache, by a call, or not at all. */
  crmLookup(destination: string, outcome: CrmLookupOutcome): void;
  /** A digest window of `rule` holding `items` items was flushed into its jobs. */
  digestSent(rule: string, items: number): void;
  /** Sets where `bridge_queue_depth` is read from on each scrape. */
  setQueueDepthSource(source: QueueDepthSource): void;
  /** Serves the exposition text; mount as `app.get('/metrics', metrics.handler)`. */
  handler(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** Acks should take a few ms (SLO: p99 < 50 ms); buckets resolve 1–100 ms and show the tail. */
const ACK_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
/** Deliveries include vendor round trips and retry backoff, so seconds up to an hour. */
/** Items per digest: max_items is 1 to 1,000, but a window can hold more (counted as digest.more). */
const DIGEST_ITEM_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 1000, 10000];
const DELIVERY_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/**
 * Creates the metrics in a registry of their own, so tests and several apps in one process
 * never collide on prom-client's global registry.
 *
 * @example
 * const metrics = createMetrics({ defaults: true });
 * metrics.setQueueDepthSource(() => store.depthByStatus());
 * app.get('/metrics', metrics.handler);
 */
export function createMetrics(opts: { defaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaults) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers });

  const events = counter('bridge_events_received_total', 'Webhooks received, by event type and how they were answered.', ['type', 'outcome']);
  const matches = counter('bridge_rule_matches_total', 'Events matched, by rule.', ['rule']);
  const suppressedBy = counter('bridge_rule_suppressed_total', 'Matches suppressed (not sent), by rule and reason.', ['rule', 'reason']);
  const shadowMatches = counter('bridge_rule_shadow_matches_total', 'Matches of mode: shadow rules (would have sent; nothing sent), by rule.', ['rule']);
  const sent = counter('bridge_rule_sent_total', 'Jobs delivered, by the rule that planned them (dry runs excluded).', ['rule']);
  const actions = counter('bridge_actions_total', 'Action attempts, by destination, kind and outcome.', ['destination', 'kind', 'outcome']);
  const retries = counter('bridge_action_retries_total', 'Action attempts scheduled again, by destination.', ['destination']);
  const dead = counter('bridge_dead_letters_total', 'Jobs given up on, by destination.', ['destination']);
  const reloads = counter('bridge_rules_reloads_total', 'Rules reloads, by outcome.', ['outcome']);
  const lookups = counter('bridge_crm_lookups_total', 'CRM contact lookups of crm.contact.* conditions, by HubSpot destination and outcome (hit: cached, miss: HubSpot asked, error).', ['destination', 'outcome']);
  const digests = counter('bridge_digests_sent_total', 'Digest windows flushed into jobs (one message per action), by rule.', ['rule']);
  const digestItems = new Histogram({
    name: 'bridge_digest_items',
    help: 'Items per digest flushed.',
    buckets: DIGEST_ITEM_BUCKETS,
    registers,
  });
  const ack = new Histogram({
    name: 'bridge_ack_latency_seconds',
    help: 'Time to answer a webhook.',
    buckets: ACK_BUCKETS,
    registers,
  });
  const delivery = new Histogram({
    name: 'bridge_delivery_latency_seconds',
    help: 'Event received to action done, by destination.',
    labelNames: ['destination'] as const,
    buckets: DELIVERY_BUCKETS,
    registers,
  });
  const info = new Gauge({
    name: 'bridge_rules_info',
    help: 'The rules version in force (value is always 1).',
    labelNames: ['version'] as const,
    registers,
  });

  let depthSource: QueueDepthSource | undefined;
  new Gauge({
    name: 'bridge_queue_depth',
    help: 'Jobs in the store, by status.',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      this.reset();
      if (!depthSource) return;
      // A failing store must not fail the whole scrape; the gauge is just empty this time.
      const depth = await Promise.resolve().then(depthSource).catch(() => ({}));
      for (const [status, count] of Object.entries(depth)) this.set({ status }, count);
    },
  });

  return {
    registry,
    eventReceived: (type, outcome) => events.inc({ type, outcome }),
    ruleMatched: (rule) => matches.inc({ rule }),
    ruleShadowMatched: (rule) => shadowMatches.inc({ rule }),
    ruleSuppressed: (rule, reason) => suppressedBy.inc({ rule, reason }),
    ruleSent: (rule) => sent.inc({ rule }),
    actionOutcome: (destination, kind, outcome) => actions.inc({ destination, kind, outcome }),
    actionRetried: (destination) => retries.inc({ destination }),
    deadLettered: (destination) => dead.inc({ destination }),
    observeAck: (seconds) => ack.observe(seconds),
    observeDelivery: (destination, seconds) => delivery.observe({ destination }, seconds),
    rulesReloaded: (ok) => reloads.inc({ outcome: ok ? 'ok' : 'error' }),
    crmLookup: (destination, outcome) => lookups.inc({ destination, outcome }),
    digestSent(rule, items) {
      digests.inc({ rule });
      digestItems.observe(items);
    },
    setRulesVersion(version) {
      info.reset();
      info.set({ version }, 1);
    },
    setQueueDepthSource(source) {
      depthSource = source;
    },
    async handler(_req, res) {
      try {
        const text = await registry.metrics();
        res.statusCode = 200;
        res.setHeader('Content-Type', registry.contentType);
        res.end(text);
      } catch {
        res.statusCode = 500;
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end('metrics collection failed\n');
      }
    },
  };
}
