import { describe, expect, it } from 'vitest';
import type { RulesFile } from '../../src/config/rules-schema.js';
import type { Condition } from '../../src/rules/condition.js';
import { compileRules } from '../../src/rules/compile-rules.js';
import { planEvent, stateKeysOf } from '../../src/rules/plan.js';
import { stateId, type RuleState } from '../../src/rules/state-types.js';
import { fakeDestinations, fakeKinds } from './fake-kinds.js';
import { eventFrom, visitPayload } from './visit-event.js';

type RuleInput = RulesFile['rules'][number];
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 1);

/** One step: `at` ms after T0, an event of `user` (user.visited unless `type` says message.posted). */
interface Step {
  readonly at: number;
  readonly user?: string;
  readonly type?: 'message';
}

function compiled(rules: Partial<RuleInput>[]) {
  const file = {
    version: 1 as const, destinations: {}, lists: {},
    rules: rules.map((r, i) => ({ name: `r${i}`, on: '*', actions: [{ chat: { destination: 'alerts', text: 'hi' } }], stop: false, enabled: true, ...r })),
  } as RulesFile;
  return compileRules({ file, destinations: fakeDestinations }, fakeKinds);
}

function eventOf(step: Step, i: number) {
  const p = visitPayload() as Record<string, any>;
  if (step.user !== undefined) p.user.id = step.user;
  if (step.type === 'message') p.event = { name: 'New Message Posted Anywhere', description: 'x' };
  return eventFrom(p, `d-${i}`);
}

/**
 * Plans `steps` in order against one state map, as the planner does (each event's updates applied
 * before the next, its receive time as `now`), and returns what rule r0 made of each:
 * 'matched', 'cooldown' or the miss reason.
 */
function run(rules: Partial<RuleInput>[], steps: readonly Step[], state = new Map<string, RuleState>()) {
  const c = compiled(rules);
  return steps.map((step, i) => {
    const event = eventOf(step, i);
    // Only the records stateKeysOf names, as the planner reads them: what it leaves out must not matter.
    const snapshot = new Map<string, RuleState>();
    for (const k of stateKeysOf(c, event, T0 + step.at)) {
      const r = state.get(stateId(k.scope, k.key));
      if (r !== undefined) snapshot.set(stateId(k.scope, k.key), r);
    }
    const { plan, updates } = planEvent(c, event, { now: T0 + step.at, state: snapshot });
    for (const u of updates) state.set(stateId(u.scope, u.key), u);
    if (plan.matches.some((m) => m.rule === 'r0')) return 'matched';
    const s = plan.suppressed.find((x) => x.rule === 'r0');
    if (s) return `${s.reason} until +${(s.until - T0) / MIN}m`;
    return plan.misses.find((m) => m.rule === 'r0')?.reason ?? 'none';
  });
}

const when = (c: Condition): Partial<RuleInput> => ({ when: c });

describe('memory conditions, with the receive time as the clock', () => {
  it.each<{ name: string; rule: Partial<RuleInput>; steps: Step[]; want: string[] }>([
    {
      name: 'first_seen ever: only the key\'s first event; another key is first again',
      rule: when({ first_seen: { key: 'user.id' } }),
      steps: [{ at: 0 }, { at: MIN }, { at: 2 * MIN, user: 'other' }],
      want: ['matched', 'condition failed: first_seen user.id (its first event)', 'matched'],
    },
    {
      name: 'first_seen within 3d: true until just before 3 days after the first event',
      rule: when({ first_seen: { key: 'user.id', within: '3d' } }),
      steps: [{ at: 0 }, { at: 3 * DAY - 1 }, { at: 3 * DAY }],
      want: ['matched', 'matched', 'condition failed: first_seen user.id within 3d'],
    },
    {
      name: 'since_last gte 14d: never seen holds; the current event is excluded; the boundary holds',
      rule: when({ since_last: { key: 'user.id', gte: '14d' } }),
      steps: [{ at: 0 }, { at: DAY }, { at: 15 * DAY - 1 }, { at: 29 * DAY - 1 }],
      want: ['matched', 'condition failed: since_last user.id gte 14d', 'condition failed: since_last user.id gte 14d', 'matched'],
    },
    {
      name: 'since_last lt 1h: never seen fails',
      rule: when({ since_last: { key: 'user.id', lt: '1h' } }),
      steps: [{ at: 0 }, { at: HOUR - 1 }, { at: 3 * HOUR }],
      want: ['condition failed: since_last user.id lt 1h', 'matched', 'condition failed: since_last user.id lt 1h'],
    },
    {
      name: 'count includes the current event; the window is (now - 10m, now]',
      rule: when({ count: { key: 'user.id', within: '10m', gte: 3 } }),
      steps: [{ at: 0 }, { at: MIN }, { at: 2 * MIN }, { at: 10 * MIN }, { at: 11 * MIN }],
      want: ['condition failed: count user.id within 10m gte 3', 'condition failed: count user.id within 10m gte 3', 'matched', 'matched', 'matched'],
    },
    {
      name: 'count on a type ignores other types; an event exactly 10m old is out',
      rule: when({ count: { key: 'user.id', on: 'message.posted', within: '10m', gte: 2 } }),
      steps: [{ at: 0, type: 'message' }, { at: MIN }, { at: 10 * MIN, type: 'message' }, { at: 11 * MIN, type: 'message' }],
      want: ['condition failed: count user.id on message.posted within 10m gte 2', 'condition failed: count user.id on message.posted within 10m gte 2', 'condition failed: count user.id on message.posted within 10m gte 2', 'matched'],
    },
    {
      name: 'a template key: per server and user',
      rule: when({ first_seen: { key: '{{ server.id }}/{{ user.id }}' } }),
      steps: [{ at: 0 }, { at: MIN, user: 'u2' }, { at: 2 * MIN }],
      want: ['matched', 'matched', 'condition failed: first_seen {{ server.id }}/{{ user.id }} (its first event)'],
    },
    {
      name: 'an event whose key renders empty fails, saying so',
      rule: when({ first_seen: { key: 'user.nothing' } }),
      steps: [{ at: 0 }],
      want: ["condition failed: first_seen user.nothing (its first event): the event's key user.nothing is empty"],
    },
  ])('$name', ({ rule, steps, want }) => {
    expect(run([rule], steps)).toEqual(want);
  });

  it('expires activity with the longest window that needs it, never when first_seen reads it', () => {
    const c = compiled([when({ count: { key: 'user.id', within: '10m', gte: 1 } }), when({ since_last: { key: 'server.id', gte: '1d' } }), when({ first_seen: { key: 'user.email' } })]);
    const { updates } = planEvent(c, eventOf({ at: 0 }, 0), { now: T0, state: new Map() });
    expect(updates.map((u) => [u.key.split('|')[0], u.expiresAt === null ? null : (u.expiresAt - T0) / MIN])).toEqual([
      ['user.id', 10], ['server.id', 24 * 60], ['user.email', null],
    ]);
  });

  it('a replay reads the state as it is, counts nothing again and writes nothing', () => {
    const state = new Map<string, RuleState>();
    const c = compiled([when({ count: { key: 'user.id', within: '1h', equals: 1 } })]);
    planEvent(c, eventOf({ at: 0 }, 0), { now: T0, state }).updates.forEach((u) => state.set(stateId(u.scope, u.key), u));
    const again = planEvent(c, eventOf({ at: 0 }, 0), { now: T0 + MIN, state, replay: true });
    expect([again.plan.matches.map((m) => m.rule), again.updates]).toEqual([['r0'], []]);
  });
});

describe('cooldown', () => {
  const cooldown = { key: '{{ user.id }}', for: '1h' };

  it.each<{ name: string; steps: Step[]; want: string[] }>([
    {
      name: 'fires, suppresses repeats with the time it ends, does not extend it, fires again after',
      steps: [{ at: 0 }, { at: 30 * MIN }, { at: 59 * MIN }, { at: 60 * MIN }, { at: 61 * MIN }],
      want: ['matched', 'cooldown until +60m', 'cooldown until +60m', 'matched', 'cooldown until +120m'],
    },
    {
      name: 'per key: another user is not cooling',
      steps: [{ at: 0 }, { at: MIN, user: 'u2' }, { at: 2 * MIN }],
      want: ['matched', 'matched', 'cooldown until +60m'],
    },
  ])('$name', ({ steps, want }) => {
    expect(run([{ cooldown }], steps)).toEqual(want);
  });

  it('a rule whose condition fails does not start a cooldown', () => {
    const rule = { cooldown, ...when({ count: { key: 'user.id', within: '1h', gte: 2 } }) };
    expect(run([rule], [{ at: 0 }, { at: MIN }, { at: 2 * MIN }])).toEqual(['condition failed: count user.id within 1h gte 2', 'matched', 'cooldown until +61m']);
  });

  it('an empty cooldown key is a miss saying so', () => {
    expect(run([{ cooldown: { key: '{{ user.nothing }}', for: '1h' } }], [{ at: 0 }])).toEqual(['cooldown key {{ user.nothing }} is empty for this event']);
  });

  it('a replay neither checks nor starts it', () => {
    const state = new Map<string, RuleState>();
    const c = compiled([{ cooldown }]);
    planEvent(c, eventOf({ at: 0 }, 0), { now: T0, state }).updates.forEach((u) => state.set(stateId(u.scope, u.key), u));
    const again = planEvent(c, eventOf({ at: 0 }, 0), { now: T0 + MIN, state, replay: true });
    expect([again.plan.matches.map((m) => m.rule), again.updates]).toEqual([['r0'], []]);
  });
});

describe('state.* templates', () => {
  it('render the memory of user.id, this event counted', () => {
    const c = compiled([{ actions: [{ chat: { destination: 'alerts', text: '{{ state.visits_total }}/{{ state.visits_30d }} first {{ state.first_seen_at }} last {{ state.last_seen_at }} prev {{ state.previous_seen_at }}' } }] }]);
    const state = new Map<string, RuleState>();
    const texts = [0, DAY, 31 * DAY].map((at, i) => {
      const { plan, updates } = planEvent(c, eventOf({ at }, i), { now: T0 + at, state });
      updates.forEach((u) => state.set(stateId(u.scope, u.key), u));
      return (plan.matches[0]?.actions[0]?.request as { text: string }).text;
    });
    const iso = (ms: number) => new Date(T0 + ms).toISOString();
    expect(texts).toEqual([
      `1/1 first ${iso(0)} last ${iso(0)} prev `,
      `2/2 first ${iso(0)} last ${iso(DAY)} prev ${iso(0)}`,
      `3/1 first ${iso(0)} last ${iso(31 * DAY)} prev ${iso(DAY)}`,
    ]);
  });
});
