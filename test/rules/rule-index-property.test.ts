import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RulesFile } from '../../src/config/rules-schema.js';
import type { BridgeEvent, Json } from '../../src/events/event.js';
import { decisionOf } from '../../src/planner/decision-of.js';
import { compileRules } from '../../src/rules/compile-rules.js';
import type { Plan } from '../../src/rules/plan-types.js';
import { planEvent } from '../../src/rules/plan.js';
import { stateId, type RuleState } from '../../src/rules/state-types.js';
import { LISTS, NOW, payloadArb, ruleConditionArb } from './arbitrary-rules.js';
import { fakeDestinations, fakeKinds } from './fake-kinds.js';

type RuleInput = RulesFile['rules'][number];

const EVENTS = [
  ['user.visited', 'User Visits Server'],
  ['user.joined', 'User Joins Server'],
  ['unknown', 'Badge Awarded'],
] as const;
const ON = ['user.visited', '*', 'user.joined', 'unknown', 'event:User Visits Server', 'event:Badge Awarded'] as const;

const ruleArb = fc.record({
  on: fc.oneof(fc.constantFrom(...ON), fc.uniqueArray(fc.constantFrom(...ON), { minLength: 1, maxLength: 2 })),
  when: fc.option(ruleConditionArb, { nil: undefined, freq: 6 }),
  stop: fc.boolean(),
  enabled: fc.boolean(),
  mode: fc.constantFrom('live' as const, 'shadow' as const),
  cooldown: fc.option(fc.constant({ key: 'user.id', for: '1h' }), { nil: undefined }),
  quiet_hours: fc.option(fc.constantFrom({ tz: 'UTC', from: '09:00', to: '11:00', then: 'drop' as const }, { tz: 'UTC', from: '09:00', to: '11:00', then: 'defer' as const }), { nil: undefined, freq: 4 }),
});

/** A rule set, an event, and which cooldowns are running and whether the user was seen an hour ago. */
const caseArb = fc.record({
  rules: fc.array(ruleArb, { maxLength: 12 }),
  payload: payloadArb,
  kind: fc.constantFrom(...EVENTS),
  cooling: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
  seen: fc.boolean(),
});

/**
 * The plan but for the misses a stop produced: the index lists them only for the rules it looked
 * up and counts the others in `unlistedMisses` (the decision summary, compared too, adds them up).
 */
function comparable(plan: Plan): Plan {
  const { unlistedMisses: _counted, ...rest } = plan;
  return { ...rest, misses: plan.misses.filter((m) => !m.reason.startsWith('stopped by rule ')) };
}

describe('the rule index', () => {
  it('decides like testing every rule: same matches in the same order, suppressions, stop, state updates and decision summary', () => {
    fc.assert(
      fc.property(caseArb, ({ rules, payload, kind, cooling, seen }) => {
        const file = {
          version: 1 as const, destinations: {}, lists: LISTS,
          rules: rules.map((r, i): RuleInput => ({ name: `r${i}`, actions: [{ chat: { destination: 'alerts', text: 'hi {{ user.id }}' } }], ...r }) as RuleInput),
        } as RulesFile;
        const input = { file, destinations: fakeDestinations };
        const indexed = compileRules(input, fakeKinds);
        const plain = compileRules(input, fakeKinds, { index: false });
        const event: BridgeEvent = { id: 'e1', type: kind[0], name: kind[1], payload: { ...payload, event: { name: kind[1] } } };
        const user = (payload['user'] as Record<string, Json>)['id'];
        const key = typeof user === 'string' || typeof user === 'number' || typeof user === 'boolean' ? String(user).trim() : '';
        const state = new Map<string, RuleState>();
        rules.forEach((_, i) => {
          if (cooling[i] === true) state.set(stateId('cooldown', `r${i}|${key}`), { scope: 'cooldown', key: `r${i}|${key}`, value: { until: NOW + 60_000 }, expiresAt: null });
        });
        if (seen) {
          const at = NOW - 3_600_000;
          state.set(stateId('activity', `user.id|${key}`), { scope: 'activity', key: `user.id|${key}`, value: { first_at: at, last_at: at, totals: { 'user.visited': 1 }, recent: { 'user.visited': [at] } }, expiresAt: null });
        }
        const ctx = { now: NOW, state };
        const a = planEvent(indexed, event, ctx);
        const b = planEvent(plain, event, ctx);
        expect(comparable(a.plan)).toStrictEqual(comparable(b.plan));
        expect(a.updates).toStrictEqual(b.updates);
        expect(decisionOf(a.plan, 'v', 0).summary).toBe(decisionOf(b.plan, 'v', 0).summary);
        // And bridge test (every rule, every branch explained) fires the same rules.
        const explained = planEvent(indexed, event, { ...ctx, mode: 'explain' }).plan;
        expect(explained.matches.map((m) => m.rule)).toEqual(a.plan.matches.map((m) => m.rule));
        expect(explained.suppressed.map((s) => [s.rule, s.reason, s.until])).toEqual(a.plan.suppressed.map((s) => [s.rule, s.reason, s.until]));
      }),
      { numRuns: 1500 },
    );
  });
});
