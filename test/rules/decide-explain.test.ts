import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Condition } from '../../src/rules/condition.js';
import { compileCondition, ListSets } from '../../src/rules/compile-condition.js';
import { decideCondition, evaluateCondition } from '../../src/rules/evaluate-condition.js';
import { eventView } from '../../src/rules/event-view.js';
import { conditionArb, LISTS, memoryArb, payloadArb } from './arbitrary-rules.js';
import { eventFrom } from './visit-event.js';

const lists = new ListSets(LISTS);

describe('deciding and explaining agree', () => {
  it('on random conditions, events and memory: decideCondition is the passed of both explanations', () => {
    fc.assert(
      fc.property(conditionArb({ memory: true }), payloadArb, memoryArb, (condition, payload, memory) => {
        const compiled = compileCondition(condition, lists);
        const view = eventView({ id: 'e1', type: 'user.visited', name: 'User Visits Server', payload });
        const decided = decideCondition(compiled, view, memory);
        expect(evaluateCondition(compiled, view, 'decide', memory).passed).toBe(decided);
        expect(evaluateCondition(compiled, view, 'explain', memory).passed).toBe(decided);
      }),
      { numRuns: 2000 },
    );
  });

  // Cases a random pool may rarely draw: each is decided and explained alike.
  it.each<[string, Condition, boolean]>([
    ['an empty all holds', { all: [] }, true],
    ['an empty any fails', { any: [] }, false],
    ['not of an empty any holds', { not: { any: [] } }, true],
    ['a memory test on an empty key fails', { first_seen: { key: 'user.nickname' } }, false],
    ['not of a memory test on an empty key holds', { not: { first_seen: { key: 'user.nickname' } } }, true],
    ['equals does not coerce: "1234" is not 1234', { field: 'user.id', equals: 1234 }, false],
    ['ignore_case folds strings only', { field: 'user.email', equals: 'JANEDOE@EXAMPLE.COM', ignore_case: true }, true],
  ])('%s', (_name, condition, want) => {
    const event = eventFrom({ user: { id: '1234', email: 'janedoe@example.com', name: 'Jane' }, event: { name: 'Badge Awarded' } });
    const compiled = compileCondition(condition, lists);
    const view = eventView(event);
    expect([decideCondition(compiled, view), evaluateCondition(compiled, view, 'decide').passed, evaluateCondition(compiled, view, 'explain').passed]).toEqual([want, want, want]);
  });
});
