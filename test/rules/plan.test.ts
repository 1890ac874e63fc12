import { describe, expect, it } from 'vitest';
import type { RulesFile } from '../../src/config/rules-schema.js';
import type { BridgeEvent } from '../../src/events/event.js';
import { compileRules } from '../../src/rules/compile-rules.js';
import type { EvaluationMode } from '../../src/rules/evaluate-condition.js';
import { planEvent } from '../../src/rules/plan.js';
import { NO_STATE } from '../../src/rules/state-types.js';
import { fakeDestinations, fakeKinds } from './fake-kinds.js';
import { eventFrom, visitPayload } from './visit-event.js';

type RuleInput = RulesFile['rules'][number];

const rule = (r: Partial<RuleInput> & Pick<RuleInput, 'name'>): RuleInput => ({
  on: '*',
  actions: [{ chat: { destination: 'alerts', text: '{{rule}}' } }],
  stop: false,
  enabled: true,
  mode: 'live',
  ...r,
});

/** Plans in `decide` mode (the planner's) unless told `explain` (bridge test's: every rule listed). */
function plan(rules: RuleInput[], event: BridgeEvent, mode: EvaluationMode = 'decide') {
  const file: RulesFile = { version: 1, destinations: {}, lists: { vip_emails: ['JaneDoe@example.com'], vip_domains: ['vip.example'] }, rules };
  return planEvent(compileRules({ file, destinations: fakeDestinations }, fakeKinds), event, { now: 0, state: NO_STATE, mode }).plan;
}

const visit = eventFrom(visitPayload());
const names = (p: ReturnType<typeof plan>) => ({ matches: p.matches.map((m) => m.rule), misses: p.misses.map((m) => `${m.rule}: ${m.reason}`) });

describe('planEvent', () => {
  it('plans the docs sample against a small rules file, exactly', () => {
    const rules: RuleInput[] = [
      rule({
        name: 'vip-visit',
        on: 'user.visited',
        when: { any: [{ field: 'user.email', in: 'vip_emails', ignore_case: true }, { field: 'user.email_domain', in: 'vip_domains' }] },
        actions: [{ chat: { destination: 'alerts', text: 'VIP <{{ user.name }}> visited {{ server.name }}' } }],
      }),
      rule({ name: 'welcome', on: 'user.joined' }),
      rule({
        name: 'every-visit',
        actions: [
          { chat: { destination: 'alerts', room: '#log', text: '{{user.email}} at {{date}}' } },
          { ledger: { destination: 'crm', email: '{{ user.email }}', name: '{{user.firstName}} <{{user.lastName}}>' } },
        ],
      }),
      rule({ name: 'paused', enabled: false }),
      rule({ name: 'other-domain', when: { field: 'user.email_domain', equals: 'other.com' } }),
    ];
    expect(plan(rules, visit)).toStrictEqual({
      event: { type: 'user.visited', id: 'd-1', name: 'User Visits Server' },
      matches: [
        {
          rule: 'vip-visit',
          actions: [{ destination: 'alerts', kind: 'chat', index: 0, key: 'd-1:vip-visit:0', request: { room: '#alerts', text: "VIP <Jane Doe> visited John's community" } }],
          explanation: {
            test: 'any',
            passed: true,
            children: [{ test: 'user.email in list vip_emails (ignore case)', passed: true, actual: 'janedoe@example.com' }],
          },
        },
        {
          rule: 'every-visit',
          actions: [
            { destination: 'alerts', kind: 'chat', index: 0, key: 'd-1:every-visit:0', request: { room: '#log', text: 'janedoe@example.com at 2025-09-02T09:41:04.769Z' } },
            { destination: 'crm', kind: 'ledger', index: 1, key: 'd-1:every-visit:1', request: { email: 'janedoe@example.com', name: 'Jane <Doe>' } },
          ],
        },
      ],
      suppressed: [],
      // Decided on the event's own fields: counted, not listed (bridge test lists it, below).
      misses: [],
      unlistedMisses: 1,
    });
    const explained = plan(rules, visit, 'explain');
    expect(explained.matches.map((m) => [m.rule, m.explanation])).toStrictEqual([
      [
        'vip-visit',
        {
          test: 'any',
          passed: true,
          children: [
            { test: 'user.email in list vip_emails (ignore case)', passed: true, actual: 'janedoe@example.com' },
            { test: 'user.email_domain in list vip_domains', passed: false, actual: 'example.com' },
          ],
        },
      ],
      ['every-visit', undefined],
    ]);
    expect(explained.misses).toStrictEqual([
      { rule: 'welcome', reason: 'not subscribed to user.visited' },
      { rule: 'paused', reason: 'disabled' },
      {
        rule: 'other-domain',
        reason: 'condition failed: user.email_domain equals "other.com"',
        explanation: { test: 'user.email_domain equals "other.com"', passed: false, actual: 'example.com' },
      },
    ]);
    expect(explained.unlistedMisses).toBeUndefined();
  });

  it('when deciding, lists a miss that read memory (it cannot be read again), and counts one decided on the fields', () => {
    const p = plan(
      [
        rule({ name: 'first', when: { all: [{ field: 'user.id', exists: true }, { first_seen: { key: 'user.id', within: '1d' } }] } }),
        rule({ name: 'fields-first', when: { all: [{ field: 'user.id', equals: 'other' }, { first_seen: { key: 'user.id' } }] } }),
      ],
      visit,
    );
    expect(p.matches.map((m) => m.rule)).toEqual(['first']);
    expect(p.misses).toEqual([]);
    expect(p.unlistedMisses).toBe(1);
    const q = plan([rule({ name: 'first', when: { first_seen: { key: 'user.nickname' } } })], visit);
    expect(q.misses).toStrictEqual([
      {
        rule: 'first',
        reason: "condition failed: first_seen user.nickname (its first event): the event's key user.nickname is empty",
        explanation: { test: "first_seen user.nickname (its first event): the event's key user.nickname is empty", passed: false },
      },
    ]);
    expect(q.unlistedMisses).toBeUndefined();
  });

  it('escapes rendered values with the kind escape, not the template text', () => {
    const hostile = visitPayload();
    (hostile['user'] as Record<string, unknown>)['name'] = '<!channel> & co';
    const p = plan([rule({ name: 'r', actions: [{ chat: { destination: 'alerts', text: '<b>{{user.name}}</b>' } }] })], eventFrom(hostile));
    expect(p.matches[0]?.actions[0]?.request).toEqual({ room: '#alerts', text: '<b>&lt;!channel> & co</b>' });
  });

  describe('stop', () => {
    it.each<[string, RuleInput[], { matches: string[]; misses: string[] }]>([
      [
        'a matching stop rule ends evaluation',
        [rule({ name: 'a' }), rule({ name: 'b', stop: true }), rule({ name: 'c' }), rule({ name: 'd', enabled: false })],
        { matches: ['a', 'b'], misses: ['c: stopped by rule "b"', 'd: stopped by rule "b"'] },
      ],
      [
        'a stop rule that does not match does not stop',
        [rule({ name: 'a', stop: true, when: { field: 'user.id', equals: 'other' } }), rule({ name: 'b' })],
        { matches: ['b'], misses: ['a: condition failed: user.id equals "other"'] },
      ],
      [
        'a stop rule on other events does not stop',
        [rule({ name: 'a', stop: true, on: 'user.joined' }), rule({ name: 'b' })],
        { matches: ['b'], misses: ['a: not subscribed to user.visited'] },
      ],
      [
        'a shadow stop rule does not stop: shadow rules never change what live rules do',
        [rule({ name: 'a', stop: true, mode: 'shadow' }), rule({ name: 'b' })],
        { matches: ['a', 'b'], misses: [] },
      ],
      [
        'a disabled stop rule does not stop',
        [rule({ name: 'a', stop: true, enabled: false }), rule({ name: 'b' })],
        { matches: ['b'], misses: ['a: disabled'] },
      ],
      ['every matching rule fires without stop', [rule({ name: 'a' }), rule({ name: 'b' }), rule({ name: 'c' })], { matches: ['a', 'b', 'c'], misses: [] }],
    ])('%s', (_name, rules, expected) => {
      expect(names(plan(rules, visit, 'explain'))).toEqual(expected);
    });

    it('when deciding, lists the rules a stop held back only when they are on the event and enabled', () => {
      const rules = [rule({ name: 'a', stop: true }), rule({ name: 'b' }), rule({ name: 'c', enabled: false }), rule({ name: 'd', on: 'user.joined' })];
      expect(names(plan(rules, visit))).toEqual({ matches: ['a'], misses: ['b: stopped by rule "a"'] });
    });
  });

  describe('on', () => {
    const badge = eventFrom({ event: { name: 'Badge Awarded' }, user: { id: '1', email: 'a@b.c' } });
    const rules = [
      rule({ name: 'all-known', on: '*' }),
      rule({ name: 'unknowns', on: 'unknown' }),
      rule({ name: 'by-name', on: 'event:Badge Awarded' }),
      rule({ name: 'by-name-case', on: 'event:badge awarded' }),
      rule({ name: 'visit-by-name', on: ['user.joined', 'event:User Visits Server'] }),
    ];
    it.each<[string, BridgeEvent, { matches: string[]; misses: string[] }]>([
      ['an unknown event', badge, { matches: ['unknowns', 'by-name'], misses: ['all-known: not subscribed to unknown', 'by-name-case: not subscribed to unknown', 'visit-by-name: not subscribed to unknown'] }],
      ['a visit', visit, { matches: ['all-known', 'visit-by-name'], misses: ['unknowns: not subscribed to user.visited', 'by-name: not subscribed to user.visited', 'by-name-case: not subscribed to user.visited'] }],
    ])('%s', (_name, event, expected) => {
      expect(names(plan(rules, event, 'explain'))).toEqual(expected);
      expect(names(plan(rules, event))).toEqual({ matches: expected.matches, misses: [] });
    });
  });

  it('reports actions a kind cannot build as misses, keeping the rule match and its other actions', () => {
    const p = plan(
      [
        rule({
          name: 'r',
          actions: [
            { ledger: { destination: 'crm', email: 'x', name: '{{user.name}} {{user.name}} {{user.name}}' } },
            { chat: { destination: 'alerts', text: '{{server.id}}' } },
            { ledger: { destination: 'crm', email: 'x', name: 'throw a string' } },
            { chat: { destination: 'alerts', text: 'broken {{user.name' } },
          ],
        }),
      ],
      visit,
    );
    expect(p.matches).toEqual([{ rule: 'r', actions: [{ destination: 'alerts', kind: 'chat', index: 1, key: 'd-1:r:1', request: { room: '#alerts', text: '6502564c5c09c0a' } }] }]);
    expect(p.misses).toEqual([
      { rule: 'r', reason: 'action 0 (ledger to crm) not built: name is 26 characters; the limit is 20' },
      { rule: 'r', reason: 'action 2 (ledger to crm) not built: not an Error' },
      { rule: 'r', reason: 'action 3 (chat to alerts) not built: Unclosed tag at 18' },
    ]);
  });

  it('cannot reach prototype keys of a JSON.parse payload through rule paths or templates', () => {
    const payload = JSON.parse(
      '{"__proto__":{"vip":true},"owner":{"id":"1"},"user":{"id":"2","__proto__":{"email":"boss@vip.example"}},"date":"2025-09-02T09:41:04.769Z","event":{"name":"User Joins Server"},"server":{"id":"3"}}',
    ) as unknown;
    const p = plan(
      [
        rule({ name: 'polluted', when: { any: [{ field: 'vip', equals: true }, { field: '__proto__.vip', equals: true }, { field: 'user.email_domain', in: 'vip_domains' }, { field: 'user.__proto__.email', exists: true }] } }),
        rule({ name: 'render', actions: [{ chat: { destination: 'alerts', text: '[{{vip}}{{__proto__.vip}}{{user.email}}{{constructor.name}}]' } }] }),
      ],
      eventFrom(payload),
      'explain',
    );
    expect(names(p)).toEqual({
      matches: ['render'],
      misses: ['polluted: condition failed: none of (vip equals true; __proto__.vip equals true; user.email_domain in list vip_domains; user.__proto__.email exists)'],
    });
    expect(p.matches[0]?.actions[0]?.request).toEqual({ room: '#alerts', text: '[]' });
  });
});
