import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/events/event.js';
import { canMatch, type Possible } from '../../src/rules/can-match.js';
import { compileCondition, ListSets } from '../../src/rules/compile-condition.js';
import type { Condition } from '../../src/rules/condition.js';

const view: JsonObject = { user: { id: '7', email: 'jane@example.com' }, date: '2026-01-05T09:00:00.000Z' };
const NOW = Date.parse('2026-01-05T10:00:00Z');
const vip: Condition = { field: 'user.email', equals: 'jane@example.com' };
const other: Condition = { field: 'user.email', equals: 'someone@else.example' };
const memory: Condition = { count: { key: 'user.id', within: '1h', gte: 2 } };

describe('canMatch: a condition on the fields alone, memory unknown', () => {
  it.each<[string, Condition | undefined, Possible]>([
    ['no condition', undefined, 'yes'],
    ['a field test that holds', vip, 'yes'],
    ['a field test that fails', other, 'no'],
    ['a memory test', memory, 'maybe'],
    ['a relative date on a field, at the receive time', { field: 'date', within: '2h' }, 'yes'],
    ['a relative date that is out', { field: 'date', within: '30m' }, 'no'],
    ['all: a failing field test decides, whatever the memory', { all: [other, memory] }, 'no'],
    ['all: a holding field test leaves the memory to tell', { all: [vip, memory] }, 'maybe'],
    ['all of field tests that hold', { all: [vip, vip] }, 'yes'],
    ['any: a holding field test decides', { any: [memory, vip] }, 'yes'],
    ['any: failing field tests leave the memory to tell', { any: [other, memory] }, 'maybe'],
    ['any of failing field tests', { any: [other, other] }, 'no'],
    ['not of a memory test', { not: memory }, 'maybe'],
    ['not of a failing field test', { not: other }, 'yes'],
    ['not of a holding field test', { not: vip }, 'no'],
    ['nested: all(vip, not(any(other, memory)))', { all: [vip, { not: { any: [other, memory] } }] }, 'maybe'],
  ])('%s → %s', (_name, condition, want) => {
    const compiled = condition === undefined ? undefined : compileCondition(condition, new ListSets({}), new Map());
    expect(canMatch(compiled, view, NOW)).toBe(want);
  });
});
