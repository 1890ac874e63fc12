import { describe, expect, it } from 'vitest';
import { decisionOf } from '../../src/planner/decision-of.js';
import type { Plan } from '../../src/rules/plan-types.js';

const event = { type: 'user.visited', id: 'e1', name: 'User Visits Server' };
const tree = { test: 'count user.id within 1d gte 3', passed: false, actual: 1 };

describe('decisionOf', () => {
  it.each<[string, Plan, string, number]>([
    ['no rule on the event', { event, matches: [], suppressed: [], misses: [] }, 'no match', 0],
    [
      'misses counted on the fields and listed ones add up; a rule with two misses counts once',
      {
        event,
        matches: [{ rule: 'a', actions: [] }],
        suppressed: [],
        misses: [
          { rule: 'mem', reason: 'condition failed: count user.id within 1d gte 3', explanation: tree },
          { rule: 'a', reason: 'action 0 (chat to alerts) not built: x' },
          { rule: 'a', reason: 'action 1 (chat to alerts) not built: y' },
          { rule: 'other', reason: 'not subscribed to user.visited' },
        ],
        unlistedMisses: 998,
      },
      'matched a; 1000 missed',
      4,
    ],
    ['only counted misses', { event, matches: [], suppressed: [], misses: [], unlistedMisses: 10_000 }, 'no match; 10000 missed', 0],
  ])('%s', (_name, plan, summary, recorded) => {
    const d = decisionOf(plan, 'v1', 5);
    expect(d.summary).toBe(summary);
    expect(d.rules).toHaveLength(recorded);
  });

  it('records a listed miss with its reason and the tree it was decided on', () => {
    const plan: Plan = { event, matches: [], suppressed: [], misses: [{ rule: 'mem', reason: 'condition failed: count user.id within 1d gte 3', explanation: tree }], unlistedMisses: 2 };
    expect(decisionOf(plan, 'v1', 5)).toStrictEqual({
      rulesVersion: 'v1',
      plannedAt: 5,
      summary: 'no match; 3 missed',
      rules: [{ rule: 'mem', outcome: 'missed', reason: 'condition failed: count user.id within 1d gte 3', explanation: tree }],
    });
  });
});
