import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RulesFile } from '../../src/config/rules-schema.js';
import { createDigestFlusher, type FlushTimer } from '../../src/planner/create-digest-flusher.js';
import { createPlanner } from '../../src/planner/create-planner.js';
import type { PlanningRules } from '../../src/planner/planning-rules.js';
import { compileRules } from '../../src/rules/compile-rules.js';
import { planEvent, stateKeysOf } from '../../src/rules/plan.js';
import { renderDigest } from '../../src/rules/render-digest.js';
import type { SqliteStore } from '../../src/store/sqlite-store.js';
import { captureLog, type CapturedLog } from '../observe/capture-log.js';
import { fakeDestinations, fakeKinds } from '../rules/fake-kinds.js';
import { visitPayload } from '../rules/visit-event.js';
import { openTemp, tempDir } from '../store/temp-store.js';

const T0 = Date.parse('2026-12-02T14:00:00Z');
const WINDOW_END = Date.parse('2026-12-02T15:00:00Z');
let clockAt = T0;
const clock = { now: () => clockAt };
let dir: string;
let cleanup: () => void;
let store: SqliteStore;
let log: CapturedLog;

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  store = openTemp(dir, clock);
  log = captureLog();
  clockAt = T0;
});
afterEach(() => {
  store.close();
  cleanup();
});

const TEXT = '{{ digest.count }} visits: {{#digest.items}}{{ user.name }}; {{/digest.items}}';

/** The fake kinds' rules as the planner takes them: `vip-digest` hourly per server, or none. */
function rules(opts: { digest?: boolean; renderFails?: number; shadow?: boolean } = {}): PlanningRules {
  const file = {
    version: 1 as const, destinations: {}, lists: {},
    rules: [{
      name: 'vip-digest', on: 'user.visited', stop: false, enabled: true, mode: opts.shadow === true ? 'shadow' : 'live',
      ...(opts.digest !== false && { digest: { key: '{{ server.id }}', every: '1h', max_items: 25 } }),
      actions: [{ chat: { destination: 'alerts', text: TEXT } }],
    }],
  } as RulesFile;
  const compiled = compileRules({ file, destinations: fakeDestinations }, fakeKinds);
  let fails = opts.renderFails ?? 0;
  return {
    version: 'v-digest',
    stateKeys: (e, now) => stateKeysOf(compiled, e, now),
    plan: (e, ctx) => planEvent(compiled, e, ctx),
    renderDigest(d) {
      if (fails > 0) {
        fails -= 1;
        throw new Error('crashed mid-flush');
      }
      return renderDigest(compiled, d);
    },
  };
}

async function receive(id: string, name: string, at: number): Promise<void> {
  const payload = visitPayload() as { user: Record<string, string> };
  payload.user = { ...payload.user, name, email: `${name.toLowerCase()}@example.com`, id: name };
  expect(await store.accept({ id, type: 'user.visited', name: 'User Visits Server', payload: JSON.stringify(payload), rulesVersion: 'v-digest', receivedAt: at })).toBe('accepted');
}

async function plan(r: PlanningRules = rules()): Promise<void> {
  const planner = createPlanner({ store: store.planner, rules: () => r, now: clock.now, log: log.log });
  planner.start();
  await planner.idle();
  await planner.stop();
}

const flushed: { rule: string; items: number; jobs: number }[] = [];
const flusher = (r: PlanningRules = rules(), timer?: FlushTimer) => {
  flushed.length = 0;
  return createDigestFlusher({ store: store.digests, rules: () => r, now: clock.now, log: log.log, onFlushed: (d) => flushed.push(d), ...(timer && { timer }) });
};

const jobs = async (eventId: string) => (await store.deliveries.jobsForEvent(eventId)).map((j) => [j.id, j.request, j.status, j.nextAt]);

describe('createDigestFlusher', () => {
  it('buffers matches in the planning transaction, then sends one message per window once it ended a settle ago', async () => {
    await receive('e1', 'Ann', T0 + 60_000);
    await receive('e2', 'Bob', T0 + 120_000);
    await plan();
    expect(await jobs('e1')).toEqual([]);
    expect((await store.planner.decisionOf('e1'))?.summary).toBe('matched vip-digest (digest)');
    expect((await store.planner.decisionOf('e2'))?.rules[0]?.reason).toBe('buffered into digest "6502564c5c09c0a" until 2026-12-02T15:00:00.000Z');

    const f = flusher();
    clockAt = WINDOW_END + 999;
    expect(await f.flush()).toBe(0);
    clockAt = WINDOW_END + 1000;
    expect(await f.flush()).toBe(1);
    expect(await jobs('e2')).toEqual([['e2:vip-digest:0', { room: '#alerts', text: '2 visits: Ann; Bob; ' }, 'pending', WINDOW_END + 1000]]);
    expect(flushed).toEqual([{ rule: 'vip-digest', items: 2, jobs: 1 }]);
    // The items went with the flush: exactly once.
    expect(await f.flush()).toBe(0);
    expect(await store.deliveries.jobsForEvent('e2')).toHaveLength(1);
  });

  it('an event received at the window end is in the next window', async () => {
    await receive('e1', 'Ann', T0 + 60_000);
    await receive('e2', 'Bob', WINDOW_END);
    await plan();
    clockAt = WINDOW_END + 1000;
    expect(await flusher().flush()).toBe(1);
    expect(await jobs('e1')).toEqual([['e1:vip-digest:0', { room: '#alerts', text: '1 visits: Ann; ' }, 'pending', WINDOW_END + 1000]]);
    expect(await jobs('e2')).toEqual([]);
  });

  it('waits while an event received before the window end is unplanned (it may belong in it)', async () => {
    await receive('e1', 'Ann', T0 + 60_000);
    await plan();
    await receive('e2', 'Bob', WINDOW_END - 1);
    clockAt = WINDOW_END + 5000;
    const f = flusher();
    expect(await f.flush()).toBe(0);
    await plan();
    expect(await f.flush()).toBe(1);
    expect(await jobs('e2')).toEqual([['e2:vip-digest:0', { room: '#alerts', text: '2 visits: Ann; Bob; ' }, 'pending', WINDOW_END + 5000]]);
  });

  it('a flush that fails midway stores nothing of it; the next sends the window once, with all its items', async () => {
    await receive('e1', 'Ann', T0 + 60_000);
    await receive('e2', 'Bob', T0 + 120_000);
    await plan();
    clockAt = WINDOW_END + 1000;
    const f = flusher(rules({ renderFails: 1 }));
    await expect(f.flush()).rejects.toThrow('crashed mid-flush');
    expect(await jobs('e2')).toEqual([]);
    expect(await f.flush()).toBe(1);
    expect(await jobs('e2')).toEqual([['e2:vip-digest:0', { room: '#alerts', text: '2 visits: Ann; Bob; ' }, 'pending', WINDOW_END + 1000]]);
  });

  it('drops, with a warning, the items of a rule that is no longer a digest rule', async () => {
    await receive('e1', 'Ann', T0 + 60_000);
    await plan();
    clockAt = WINDOW_END + 1000;
    const f = flusher(rules({ digest: false }));
    expect(await f.flush()).toBe(1);
    expect(await jobs('e1')).toEqual([]);
    expect(flushed).toEqual([]);
    expect(log.withMsg('digest dropped: its rule is no longer a digest rule in rules.yaml').map((l) => [l['rule'], l['windowEnd'], l['items']])).toEqual([
      ['vip-digest', '2026-12-02T15:00:00.000Z', 1],
    ]);
    expect(await f.flush()).toBe(0);
  });

  it('on start, sends a window that closed while it was down, then looks again every interval', async () => {
    await receive('e1', 'Ann', T0 + 60_000);
    await plan();
    const ticks: (() => void)[] = [];
    const timer: FlushTimer = { setInterval: (fn) => ticks.push(fn), clearInterval: () => undefined };
    clockAt = WINDOW_END + 3_600_000;
    const f = flusher(rules(), timer);
    f.start();
    await f.stop();
    expect(await jobs('e1')).toEqual([['e1:vip-digest:0', { room: '#alerts', text: '1 visits: Ann; ' }, 'pending', WINDOW_END + 3_600_000]]);
    expect(ticks).toHaveLength(1);
  });

  it('an empty window sends nothing; a shadow digest rule buffers nothing', async () => {
    await receive('e1', 'Ann', T0 + 60_000);
    await plan(rules({ shadow: true }));
    expect((await store.planner.decisionOf('e1'))?.summary).toBe('no match; shadow would have sent vip-digest');
    expect((await store.planner.decisionOf('e1'))?.rules[0]?.reason).toBe('would have buffered into digest "6502564c5c09c0a" until 2026-12-02T15:00:00.000Z');
    clockAt = WINDOW_END + 1000;
    expect(await flusher().flush()).toBe(0);
    expect(flushed).toEqual([]);
    expect(await jobs('e1')).toEqual([]);
  });

  it('forget deletes the person\'s buffered items and counts them; history pruning keeps events with items', async () => {
    await receive('e1', 'Ann', T0 + 60_000);
    await receive('e2', 'Bob', T0 + 120_000);
    await plan();
    expect(await store.pruneHistory(WINDOW_END)).toBe(0);
    const r = await store.forgetPerson({ email: 'ann@example.com' });
    expect([r.events, r.jobs, r.digestItems]).toEqual([1, 0, 1]);
    clockAt = WINDOW_END + 1000;
    expect(await flusher().flush()).toBe(1);
    expect(await jobs('e2')).toEqual([['e2:vip-digest:0', { room: '#alerts', text: '1 visits: Bob; ' }, 'pending', WINDOW_END + 1000]]);
  });
});
