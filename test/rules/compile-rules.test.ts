import { describe, expect, it } from 'vitest';
import type { Condition } from '../../src/rules/condition.js';
import type { RulesFile } from '../../src/config/rules-schema.js';
import { ListSets } from '../../src/rules/compile-condition.js';
import { compileRules } from '../../src/rules/compile-rules.js';
import { fakeDestinations, fakeKinds } from './fake-kinds.js';

type RuleInput = RulesFile['rules'][number];

function file(rule: Partial<RuleInput>): RulesFile {
  return {
    version: 1,
    destinations: {},
    lists: { vips: ['a@b.c'] },
    rules: [{ name: 'r', on: 'user.visited', actions: [{ chat: { destination: 'alerts', text: 'hi' } }], stop: false, enabled: true, mode: 'live', ...rule }],
  };
}

const compile = (rule: Partial<RuleInput>) => compileRules({ file: file(rule), destinations: fakeDestinations }, fakeKinds);

describe('compileRules', () => {
  it('compiles rules in file order with their actions resolved', () => {
    const compiled = compileRules(
      {
        file: {
          ...file({}),
          rules: [
            { name: 'one', on: '*', actions: [{ chat: { destination: 'alerts', text: '{{user.name}}' } }, { ledger: { destination: 'crm', email: 'e', name: 'n' } }], stop: true, enabled: true },
            { name: 'two', on: 'unknown', when: { field: 'user.email', in: 'vips' }, actions: [{ chat: { destination: 'alerts', text: 'x' } }], stop: false, enabled: false },
          ],
        },
        destinations: fakeDestinations,
      },
      fakeKinds,
    );
    expect(compiled.rules.map((r) => [r.name, r.enabled, r.stop, r.when?.kind, [...r.on.types]])).toEqual([
      ['one', true, true, undefined, ['user.joined', 'user.visited', 'message.posted', 'message.posted_to_channel', 'store.purchased']],
      ['two', false, false, 'leaf', ['unknown']],
    ]);
    expect(compiled.rules[0]?.actions.map((a) => [a.index, a.kind, a.destination, a.destinationConfig, a.impl])).toEqual([
      [0, 'chat', 'alerts', { kind: 'chat', room: '#alerts' }, fakeKinds['chat']],
      [1, 'ledger', 'crm', { kind: 'ledger' }, fakeKinds['ledger']],
    ]);
  });

  it('treats missing stop and enabled as their defaults', () => {
    const rule = { name: 'r', on: '*', actions: [{ chat: { destination: 'alerts', text: 'x' } }] } as unknown as RuleInput;
    const [compiled] = compileRules({ file: { ...file({}), rules: [rule] }, destinations: fakeDestinations }, fakeKinds).rules;
    expect([compiled?.enabled, compiled?.stop]).toEqual([true, false]);
  });

  it('tolerates malformed templates until planning', () => {
    expect(() => compile({ actions: [{ chat: { destination: 'alerts', text: '{{oops', blocks: [{ t: '{{#a}}' }, 3, null] } }] })).not.toThrow();
  });

  it.each<[string, Partial<RuleInput>, string]>([
    ['no kind', { actions: [{}] }, 'rule "r" action 0: an action has exactly one kind (found none)'],
    ['two kinds', { actions: [{ chat: { destination: 'alerts', text: 'x' }, ledger: { destination: 'crm' } }] }, 'rule "r" action 0: an action has exactly one kind (found chat, ledger)'],
    ['an unknown kind', { actions: [{ fax: { destination: 'alerts' } }] }, 'rule "r" action 0: unknown action kind "fax"'],
    ['a prototype kind', { actions: [{ toString: { destination: 'alerts' } }] }, 'rule "r" action 0: unknown action kind "toString"'],
    ['an unknown destination', { actions: [{ chat: { destination: 'nowhere', text: 'x' } }] }, 'rule "r" action 0: unknown destination "nowhere"'],
    ['no destination', { actions: [{ chat: { text: 'x' } }] }, 'rule "r" action 0: unknown destination undefined'],
    ['a destination of another kind', { actions: [{ chat: { destination: 'alerts', text: 'x' } }, { chat: { destination: 'crm', text: 'x' } }] }, 'rule "r" action 1: destination "crm" is a ledger destination, not chat'],
    ['an unknown list', { when: { field: 'user.email', not_in: 'vip' } }, 'unknown list "vip"'],
    ['a list on the prototype', { when: { field: 'user.email', in: 'constructor' } }, 'unknown list "constructor"'],
    ['a bad regex', { when: { any: [{ field: 'user.name', matches: '(' }] } }, 'error parsing regexp: missing closing ): `(`'],
    ['a bad date', { when: { not: { field: 'date', before: 'soon' } } }, 'not a date: "soon"'],
    ['a leaf without an operator', { when: { field: 'user.name' } }, 'a condition needs all, any, not, or a field with one operator (got {"field":"user.name"})'],
    ['a leaf with two operators', { when: { field: 'a', exists: true, equals: 1 } }, 'a condition needs all, any, not, or a field with one operator (got {"field":"a","exists":true,"equals":1})'],
    ['an operator without a field', { when: { exists: true } as Condition }, 'a condition needs all, any, not, or a field with one operator (got {"exists":true})'],
    ['a bad on', { on: ['user.visited', 'nope'] }, 'unknown event type "nope"; use one of user.joined, user.visited, message.posted, message.posted_to_channel, store.purchased, *, unknown or "event:<exact event.name>"'],
  ])('throws on %s', (_name, rule, message) => {
    expect(() => compile(rule)).toThrow(message);
  });

  it('builds each list Set once per case mode', () => {
    const lists = new ListSets({ vips: ['A@b.c', 7] });
    const folded = lists.get('vips', true);
    expect([...folded]).toEqual(['a@b.c', 7]);
    expect(lists.get('vips', true)).toBe(folded);
    expect([...lists.get('vips', false)]).toEqual(['A@b.c', 7]);
  });
});
