import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BridgeEvent } from '../../src/events/event.js';
import { createPlanner, type PlannedOutcome } from '../../src/planner/create-planner.js';
import type { PlanningRules } from '../../src/planner/planning-rules.js';
import type { Plan } from '../../src/rules/plan-types.js';
import { stateId, type PlanContext, type RuleState } from '../../src/rules/state-types.js';
import type { SqliteStore } from '../../src/store/sqlite-store.js';
import { captureLog } from '../observe/capture-log.js';
import { openTemp, storedEvent, tempDir } from '../store/temp-store.js';

let dir: string;
let cleanup: () => void;
let store: SqliteStore;
const t = 1_000;
const clock = { now: () => t };

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  store = openTemp(dir, clock);
});
afterEach(() => {
  store.close();
  cleanup();
});

/**
 * Rules for the planner's own tests: one rule `count` that matches every event, sends one action,
 * and counts events per payload id in state `activity|<id>` (so a batch's events see each other).
 * An event whose payload id is "boom" makes planning throw.
 */
function countingRules(seen: { event: string; now: number; count: number }[] = []): PlanningRules {
  return {
    version: 'v-test',
    stateKeys: (e) => [{ scope: 'activity', key: String(e.payload['id']) }],
    plan(e: BridgeEvent, ctx?: PlanContext) {
      const key = String(e.payload['id']);
      if (key === 'boom') throw new Error('rule engine bug');
      const before = ctx?.state.get(stateId('activity', key))?.value;
      const count = (typeof before === 'number' ? before : 0) + 1;
      seen.push({ event: e.id, now: ctx?.now ?? -1, count });
      const plan: Plan = {
        event: { type: e.type, id: e.id, name: e.name },
        matches: [{ rule: 'count', actions: [{ destination: 'dest', kind: 'fake', index: 0, key: `${e.id}:count:0`, request: { count } }] }],
        suppressed: [],
        misses: [{ rule: 'other', reason: 'not subscribed to user.visited' }, { rule: 'vip', reason: 'condition failed: user.email in list vips' }],
      };
      const update: RuleState = { scope: 'activity', key, value: count, expiresAt: null };
      return { plan, updates: [update] };
    },
  };
}

const payloadEvent = (id: string, key: string, receivedAt: number) => ({ ...storedEvent(id, receivedAt), payload: JSON.stringify({ id: key }) });

async function runPlanner(rules: PlanningRules, extra: { onPlanned?: (p: readonly PlannedOutcome[]) => void; batchSize?: number } = {}) {
  const planner = createPlanner({ store: store.planner, rules: () => rules, now: clock.now, log: captureLog().log, ...extra });
  planner.start();
  await planner.idle();
  await planner.stop();
  return planner;
}

describe('createPlanner', () => {
  it('plans stored events in arrival order at their receive time, each seeing the state the ones before it left', async () => {
    for (const [i, key] of ['u1', 'u2', 'u1', 'u1'].entries()) await store.accept(payloadEvent(`e${i}`, key, 100 + i));
    const seen: { event: string; now: number; count: number }[] = [];
    const planner = await runPlanner(countingRules(seen), { batchSize: 3 });
    expect(seen).toEqual([
      { event: 'e0', now: 100, count: 1 },
      { event: 'e1', now: 101, count: 1 },
      { event: 'e2', now: 102, count: 2 },
      // The next batch reads what the first one wrote.
      { event: 'e3', now: 103, count: 3 },
    ]);
    expect(planner.stats()).toEqual({ batches: 2, events: 4, failed: 0 });
    expect((await store.deliveries.jobsForEvent('e3')).map((j) => [j.id, j.request, j.status, j.nextAt])).toEqual([['e3:count:0', { count: 3 }, 'pending', t]]);
    expect(await store.planner.readState([{ scope: 'activity', key: 'u1' }, { scope: 'activity', key: 'nobody' }])).toEqual([{ scope: 'activity', key: 'u1', value: 3, expiresAt: null }]);
    expect(await store.planner.unplannedCount()).toBe(0);
  });

  it('records each event decision: evaluated rules only, with the rules version and a summary', async () => {
    await store.accept(payloadEvent('e1', 'u1', 100));
    await runPlanner(countingRules());
    expect(await store.planner.decisionOf('e1')).toEqual({
      rulesVersion: 'v-test',
      plannedAt: t,
      summary: 'matched count; 1 missed',
      rules: [
        { rule: 'count', outcome: 'matched' },
        { rule: 'vip', outcome: 'missed', reason: 'condition failed: user.email in list vips' },
      ],
    });
    expect((await store.deliveries.listEvents()).map((e) => [e.id, e.rulesVersion, e.decision?.summary])).toEqual([['e1', 'v-test', 'matched count; 1 missed']]);
  });

  it('records a planning error as that event decision and plans the events after it', async () => {
    await store.accept(payloadEvent('e1', 'boom', 100));
    await store.accept(payloadEvent('e2', 'u1', 101));
    const outcomes: PlannedOutcome[] = [];
    const planner = await runPlanner(countingRules(), { onPlanned: (p) => outcomes.push(...p) });
    expect(await store.planner.decisionOf('e1')).toMatchObject({ summary: 'planning failed: rule engine bug', rules: [{ rule: '*', outcome: 'error', reason: 'rule engine bug' }] });
    expect(await store.deliveries.jobsForEvent('e1')).toEqual([]);
    expect(await store.deliveries.jobsForEvent('e2')).toHaveLength(1);
    expect(outcomes.map((o) => [o.eventId, o.jobs])).toEqual([['e1', 0], ['e2', 1]]);
    expect(planner.stats().failed).toBe(1);
  });

  it('after a restart plans what was stored but not planned, and nothing twice', async () => {
    await store.accept(payloadEvent('e1', 'u1', 100));
    await runPlanner(countingRules());
    await store.accept(payloadEvent('e2', 'u1', 101));
    store.close();
    store = openTemp(dir, clock);
    const seen: { event: string; now: number; count: number }[] = [];
    await runPlanner(countingRules(seen));
    expect(seen).toEqual([{ event: 'e2', now: 101, count: 2 }]);
    expect((await store.deliveries.listEvents()).map((e) => [e.id, e.jobs.length])).toEqual([['e2', 1], ['e1', 1]]);
  });
});

describe('with real rules and memory', () => {
  const RULES = `
version: 1
destinations:
  alerts: { kind: slack, token: "\${SLACK_BOT_TOKEN}", channel: "#vip" }
rules:
  - name: vip-visit
    on: user.visited
    cooldown: { key: "{{ user.id }}", for: 7d }
    actions:
      - slack: { destination: alerts, text: "{{ user.name }} visit {{ state.visits_total }}" }
`;

  it('two visits of one user in one batch give one alert; the repeat is recorded as suppressed until the cooldown ends', async () => {
    const { loadRulesText } = await import('../../src/config/load-rules.js');
    const { activeRules } = await import('../../src/bridge/active-rules.js');
    const loaded = loadRulesText(RULES, 'rules.yaml', { SLACK_BOT_TOKEN: 'xoxb-test' });
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    const { visitPayload } = await import('../rules/visit-event.js');
    const payload = JSON.stringify(visitPayload());
    await Promise.all(['v1', 'v2'].map((id, i) => store.accept({ ...storedEvent(id, 1_000 + i), payload })));
    const planner = await runPlanner(activeRules(loaded.rules));
    expect(planner.stats().batches).toBe(1);
    expect((await store.deliveries.jobsForEvent('v1')).map((j) => (j.request as { text: string }).text)).toEqual(['Jane Doe visit 1']);
    expect(await store.deliveries.jobsForEvent('v2')).toEqual([]);
    expect(await store.planner.decisionOf('v2')).toMatchObject({ summary: 'no match; suppressed vip-visit (cooldown)', rules: [{ rule: 'vip-visit', outcome: 'suppressed', reason: 'cooldown', until: 1_000 + 7 * 86_400_000 }] });
    expect((await store.planner.readState([{ scope: 'activity', key: 'user.id|1234' }]))[0]?.value).toMatchObject({ totals: { 'user.visited': 2 } });
  });

  it('a shadow rule is planned and recorded as "would have sent", writes no job, and has its own cooldown', async () => {
    const { loadRulesText } = await import('../../src/config/load-rules.js');
    const { activeRules } = await import('../../src/bridge/active-rules.js');
    const loaded = loadRulesText(`version: 1
destinations:
  alerts: { kind: slack, token: "\${SLACK_BOT_TOKEN}", channel: "#vip" }
rules:
  - name: new-welcome
    on: user.visited
    mode: shadow
    stop: true
    cooldown: { key: "{{ user.id }}", for: 1d }
    actions:
      - slack: { destination: alerts, text: "welcome {{ user.name }}" }
  - name: live-alert
    on: user.visited
    actions:
      - slack: { destination: alerts, text: "{{ user.name }} visited" }
`, 'rules.yaml', { SLACK_BOT_TOKEN: 'xoxb-test' });
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    const { visitPayload } = await import('../rules/visit-event.js');
    const payload = JSON.stringify(visitPayload());
    await Promise.all(['v1', 'v2'].map((id, i) => store.accept({ ...storedEvent(id, 1_000 + i), payload })));
    await runPlanner(activeRules(loaded.rules));
    // Only the live rule's jobs: the shadow rule's `stop` stopped nothing.
    expect((await store.deliveries.jobsForEvent('v1')).map((j) => j.id)).toEqual(['v1:live-alert:0']);
    expect((await store.deliveries.jobsForEvent('v2')).map((j) => j.id)).toEqual(['v2:live-alert:0']);
    expect(await store.planner.decisionOf('v1')).toMatchObject({
      summary: 'matched live-alert; shadow would have sent new-welcome',
      rules: [{ rule: 'new-welcome', outcome: 'matched', shadow: true }, { rule: 'live-alert', outcome: 'matched' }],
    });
    // The shadow rule's cooldown holds its repeat, as it would live.
    expect(await store.planner.decisionOf('v2')).toMatchObject({ summary: 'matched live-alert; suppressed new-welcome (cooldown)' });
  });

  it('a match deferred by quiet hours is stored due at the window end; the queue claims it only then', async () => {
    const { loadRulesText } = await import('../../src/config/load-rules.js');
    const { activeRules } = await import('../../src/bridge/active-rules.js');
    const loaded = loadRulesText(`version: 1
destinations:
  alerts: { kind: slack, token: "\${SLACK_BOT_TOKEN}", channel: "#vip" }
rules:
  - name: vip-visit
    on: user.visited
    quiet_hours: { tz: Europe/Berlin, from: "22:00", to: "08:00", then: defer }
    actions:
      - slack: { destination: alerts, text: "{{ user.name }} visited" }
`, 'rules.yaml', { SLACK_BOT_TOKEN: 'xoxb-test' });
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    const { visitPayload } = await import('../rules/visit-event.js');
    // 23:10 in Berlin (CET); the night ends at 08:00 CEST on 2026-03-29, 06:00Z.
    const night = Date.parse('2026-03-28T22:10:00Z');
    const due = Date.parse('2026-03-29T06:00:00Z');
    await store.accept({ ...storedEvent('v1', night), payload: JSON.stringify(visitPayload()) });
    await runPlanner(activeRules(loaded.rules));
    expect((await store.deliveries.jobsForEvent('v1')).map((j) => [j.id, j.status, j.nextAt])).toEqual([['v1:vip-visit:0', 'pending', due]]);
    expect(await store.planner.decisionOf('v1')).toMatchObject({ summary: 'matched vip-visit (deferred)', rules: [{ rule: 'vip-visit', outcome: 'matched', until: due }] });
    expect(await store.queue.claimDue(due - 1, 10)).toEqual([]);
    expect(await store.queue.nextDueAt()).toBe(due);
    expect((await store.queue.claimDue(due, 10)).map((j) => j.id)).toEqual(['v1:vip-visit:0']);
  });
});

describe('createPlanner gathering (gatherMs)', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** Polls `ok` until it holds (commits wait for an fsync on the thread pool); fails after 5 s. */
  const until = async (ok: () => boolean | Promise<boolean>) => {
    for (let waited = 0; !(await ok()); waited += 5) {
      if (waited > 5000) throw new Error('timed out');
      await sleep(5);
    }
  };

  it('lets events that arrive during a batch gather, plans them after the pause, and stop ends the pause', async () => {
    await store.accept(payloadEvent('e0', 'u0', 100));
    let first = true;
    const planner = createPlanner({
      store: {
        ...store.planner,
        // Two more arrive while the first batch is committing, and the planner is woken for them.
        async commitPlans(batch) {
          if (first) {
            first = false;
            await Promise.all([store.accept(payloadEvent('e1', 'u1', 101)), store.accept(payloadEvent('e2', 'u2', 102))]);
            planner.wake();
          }
          return store.planner.commitPlans(batch);
        },
      },
      rules: () => countingRules(), now: clock.now, log: captureLog().log, gatherMs: 60_000,
    });
    planner.start();
    await until(async () => planner.stats().batches === 1 && (await store.planner.unplannedCount()) === 2);
    await sleep(200);
    expect(planner.stats()).toEqual({ batches: 1, events: 1, failed: 0 });
    expect(await store.planner.unplannedCount()).toBe(2);
    await planner.stop();
    expect(planner.stats().batches).toBe(1);
    // Left for the next start, which plans them together.
    const next = await runPlanner(countingRules());
    expect(next.stats()).toEqual({ batches: 1, events: 2, failed: 0 });
  });

  it('does not make a backlog wait: a full batch is followed by the next at once', async () => {
    for (let i = 0; i < 5; i++) await store.accept(payloadEvent(`e${i}`, `u${i}`, 100 + i));
    const planner = createPlanner({ store: store.planner, rules: () => countingRules(), now: clock.now, log: captureLog().log, gatherMs: 60_000, batchSize: 2 });
    planner.start();
    // Counted once a batch's commit is durable, a moment after its events stop being unplanned.
    await until(() => planner.stats().events === 5);
    // Batches of 2, 2 and 1: the last one was partial, with nothing more arrived, so no pause at all.
    expect(planner.stats()).toEqual({ batches: 3, events: 5, failed: 0 });
    expect(await store.planner.unplannedCount()).toBe(0);
    await planner.stop();
  });
});
