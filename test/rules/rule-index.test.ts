import { describe, expect, it } from 'vitest';
import type { RulesFile } from '../../src/config/rules-schema.js';
import type { BridgeEvent, JsonObject } from '../../src/events/event.js';
import { compileRules } from '../../src/rules/compile-rules.js';
import type { Condition } from '../../src/rules/condition.js';
import { eventView } from '../../src/rules/event-view.js';
import { fakeDestinations, fakeKinds } from './fake-kinds.js';

type RuleInput = RulesFile['rules'][number];

function compiled(rules: { name: string; on?: string | string[]; when?: Condition; enabled?: boolean }[]) {
  const file = {
    version: 1 as const, destinations: {}, lists: { vips: ['A@x.com', 7], empty: [] },
    rules: rules.map((r): RuleInput => ({ on: 'user.visited', actions: [{ chat: { destination: 'alerts', text: 'hi' } }], stop: false, enabled: true, mode: 'live', ...r }) as RuleInput),
  } as RulesFile;
  return compileRules({ file, destinations: fakeDestinations }, fakeKinds);
}

const visit = (user: JsonObject, server: JsonObject = { id: 'srv1' }): BridgeEvent => ({
  id: 'e1', type: 'user.visited', name: 'User Visits Server', payload: { user, server, event: { name: 'User Visits Server' } },
});
const badge: BridgeEvent = { id: 'e2', type: 'unknown', name: 'Badge Awarded', payload: { user: { id: 'u1' }, event: { name: 'Badge Awarded' } } };

function candidates(rules: Parameters<typeof compiled>[0], event: BridgeEvent): string[] {
  const c = compiled(rules);
  return (c.index?.candidates(event, eventView(event)) ?? []).map((i) => c.rules[i]?.name ?? '?');
}

// Each rule shares its on: with 10 others, so a key of its condition is the cheaper lookup.
const crowd = Array.from({ length: 10 }, (_, i) => ({ name: `other-${i}`, when: { field: 'user.id', equals: `x${i}` } }));

describe('rule index', () => {
  it.each<[string, Condition, BridgeEvent, boolean]>([
    ['equals: the same value', { field: 'server.id', equals: 'srv1' }, visit({ id: 'u1' }), true],
    ['equals: another value', { field: 'server.id', equals: 'srv1' }, visit({ id: 'u1' }, { id: 'srv2' }), false],
    ['equals is case-sensitive', { field: 'server.id', equals: 'srv1' }, visit({ id: 'u1' }, { id: 'SRV1' }), false],
    ['equals with ignore_case folds the event value', { field: 'server.id', equals: 'Srv1', ignore_case: true }, visit({ id: 'u1' }, { id: 'SRV1' }), true],
    ['equals never coerces: 1 is not "1"', { field: 'user.id', equals: 1 }, visit({ id: '1' }), false],
    ['equals never coerces: true is not "true"', { field: 'user.id', equals: true }, visit({ id: 'true' }), false],
    ['equals: a number is a number', { field: 'user.id', equals: 1 }, visit({ id: 1 }), true],
    ['equals: a missing field hits nothing', { field: 'user.id', equals: 'u1' }, visit({}), false],
    ['equals: an object hits nothing', { field: 'user.id', equals: 'u1' }, visit({ id: { a: 'u1' } }), false],
    ['in a named list, case-sensitive', { field: 'user.email', in: 'vips' }, visit({ email: 'a@x.com' }), false],
    ['in a named list, ignore_case', { field: 'user.email', in: 'vips', ignore_case: true }, visit({ email: 'a@X.COM' }), true],
    ['in a named list: a number element', { field: 'user.id', in: 'vips' }, visit({ id: 7 }), true],
    ['in a literal list', { field: 'user.id', in: ['u1', 'u2'] }, visit({ id: 'u2' }), true],
    ['in an empty list never holds, so never a candidate', { field: 'user.id', in: 'empty' }, visit({ id: 'u1' }), false],
    ['a derived field', { field: 'user.email_domain', equals: 'x.com' }, visit({ email: 'a@X.com' }), true],
    ['all: one indexed test is enough to rule it out', { all: [{ field: 'server.id', equals: 'srv2' }, { first_seen: { key: 'user.id' } }] }, visit({ id: 'u1' }), false],
    ['any of indexable branches: the second', { any: [{ field: 'user.id', equals: 'u9' }, { field: 'user.email', in: ['b@y.com'] }] }, visit({ id: 'u1', email: 'b@y.com' }), true],
    ['any of indexable branches: none', { any: [{ field: 'user.id', equals: 'u9' }, { field: 'user.email', in: ['b@y.com'] }] }, visit({ id: 'u1', email: 'c@y.com' }), false],
    ['any with a branch no key covers falls back to on:', { any: [{ field: 'user.id', equals: 'u9' }, { field: 'user.email', ends_with: '.org' }] }, visit({ id: 'u1' }), true],
    ['an empty any never holds', { any: [] }, visit({ id: 'u1' }), false],
    ['not makes no key: found by on:', { not: { field: 'user.id', equals: 'u1' } }, visit({ id: 'u2' }), true],
    ['not_equals makes no key: found by on:', { field: 'user.id', not_equals: 'u1' }, visit({ id: 'u2' }), true],
    ['equals NaN (.nan in YAML) makes no key: found by on:', { field: 'user.id', equals: Number.NaN }, visit({ id: 'u1' }), true],
    ['on: is a key: another event type is ruled out', { not: { field: 'user.id', equals: 'u1' } }, badge, false],
  ])('%s', (_name, when, event, expected) => {
    expect(candidates([...crowd, { name: 'r', when }], event).includes('r')).toBe(expected);
  });

  it.each<[string, { name: string; on?: string | string[]; enabled?: boolean }[], BridgeEvent, string[]]>([
    ['on: by type, by event name, and "*"', [{ name: 'a', on: 'unknown' }, { name: 'b', on: 'event:Badge Awarded' }, { name: 'c', on: '*' }, { name: 'd', on: 'event:badge awarded' }], badge, ['a', 'b']],
    ['file order, whatever the lookups', [{ name: 'a', on: 'event:User Visits Server' }, { name: 'b' }, { name: 'c', on: ['user.joined', 'user.visited'] }], visit({ id: 'u1' }), ['a', 'b', 'c']],
    ['a disabled rule is never a candidate', [{ name: 'a', enabled: false }, { name: 'b' }], visit({ id: 'u1' }), ['b']],
  ])('%s', (_name, rules, event, expected) => {
    expect(candidates(rules, event)).toEqual(expected);
  });

  it('counts the enabled rules on an event, as the plain loop would plan them', () => {
    const c = compiled([{ name: 'a' }, { name: 'b', on: ['*', 'event:Badge Awarded'] }, { name: 'c', enabled: false }, { name: 'd', on: 'unknown' }]);
    expect([c.index?.subscribed(visit({})), c.index?.subscribed(badge)]).toEqual([2, 2]);
  });
});
