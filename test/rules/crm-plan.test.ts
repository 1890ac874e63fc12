import { describe, expect, it } from 'vitest';
import type { RulesFile } from '../../src/config/rules-schema.js';
import type { BridgeEvent } from '../../src/events/event.js';
import { canMatch } from '../../src/rules/can-match.js';
import { compileRules } from '../../src/rules/compile-rules.js';
import type { CrmAnswer } from '../../src/rules/crm-fields.js';
import { crmLookupsOf } from '../../src/rules/crm-lookups.js';
import { eventView } from '../../src/rules/event-view.js';
import { planEvent } from '../../src/rules/plan.js';
import { NO_STATE } from '../../src/rules/state-types.js';
import { fakeDestinations, fakeKinds } from './fake-kinds.js';
import { eventFrom, visitPayload } from './visit-event.js';

/** The pure side of CRM conditions: the planner brings the values (or says they are unknown); the engine only evaluates. */

type RuleInput = RulesFile['rules'][number];
const rule = (r: Partial<RuleInput> & Pick<RuleInput, 'name'>): RuleInput => ({
  on: 'user.visited',
  actions: [{ chat: { destination: 'alerts', text: 'hi' } }],
  stop: false,
  enabled: true,
  mode: 'live',
  ...r,
});

const destinations = new Map<string, { kind: string; config: Record<string, unknown> }>([
  ...fakeDestinations,
  ['hs', { kind: 'hubspot', config: { kind: 'hubspot', lookup_ttl: '30m' } }],
  ['hs2', { kind: 'hubspot', config: { kind: 'hubspot' } }],
]);
const compile = (rules: RuleInput[]) => compileRules({ file: { lists: {}, rules }, destinations }, fakeKinds);

const customer = rule({ name: 'customer', crm: 'hs', when: { all: [{ field: 'server.id', equals: '6502564c5c09c0a' }, { field: 'crm.contact.lifecyclestage', equals: 'customer' }] } });
const visit = eventFrom(visitPayload());
const known = (contact: Record<string, string | null> | null): ReadonlyMap<string, CrmAnswer> => new Map([['hs', { status: 'known', contact }]]);
const failed: ReadonlyMap<string, CrmAnswer> = new Map([['hs', { status: 'unknown', reason: 'hubspot read 503' }]]);

function plan(rules: RuleInput[], event: BridgeEvent, crm?: ReadonlyMap<string, CrmAnswer>, mode: 'decide' | 'explain' = 'decide') {
  return planEvent(compile(rules), event, { now: 0, state: NO_STATE, mode, ...(crm && { crm }) }).plan;
}
const outcome = (p: ReturnType<typeof plan>) => ({ matches: p.matches.map((m) => m.rule), misses: p.misses.map((m) => `${m.rule}: ${m.reason}`), retries: p.crmRetries ?? [] });

describe('crm.contact.* conditions', () => {
  it('evaluate the looked-up values, shown in the explanation', () => {
    const p = plan([customer], visit, known({ lifecyclestage: 'customer' }), 'explain');
    expect(p.matches[0]?.explanation).toEqual({
      test: 'all',
      passed: true,
      children: [
        { test: 'server.id equals "6502564c5c09c0a"', passed: true, actual: '6502564c5c09c0a' },
        { test: 'crm.contact.lifecyclestage equals "customer"', passed: true, actual: 'customer' },
      ],
    });
    // A miss on a CRM value is recorded with its explanation: the stored event cannot explain it again.
    expect(plan([customer], visit, known({ lifecyclestage: 'lead' })).misses).toEqual([
      { rule: 'customer', reason: 'condition failed: crm.contact.lifecyclestage equals "customer"', explanation: expect.objectContaining({ passed: false }) as unknown },
    ]);
  });

  it('no such contact: its properties are absent (exists: false holds); a property with no value is null', () => {
    const absent = rule({ name: 'absent', crm: 'hs', when: { field: 'crm.contact.lifecyclestage', exists: false } });
    expect(outcome(plan([customer, absent], visit, known(null)))).toEqual({ matches: ['absent'], misses: ['customer: condition failed: crm.contact.lifecyclestage equals "customer"'], retries: [] });
    expect(outcome(plan([absent], visit, known({ lifecyclestage: null })))).toEqual({ matches: ['absent'], misses: [], retries: [] });
  });

  it.each<[string, RuleInput['on_lookup_error'], ReturnType<typeof outcome>]>([
    ['skip (the default): a miss', undefined, { matches: [], misses: ['customer: CRM lookup failed (on_lookup_error: skip): hubspot read 503'], retries: [] }],
    ['match: as if the CRM tests held', 'match', { matches: ['customer'], misses: [], retries: [] }],
    ['retry: a miss now, planned again later', 'retry', {
      matches: [], misses: ['customer: CRM lookup failed (on_lookup_error: retry): hubspot read 503'], retries: [{ rule: 'customer', destination: 'hs', reason: 'hubspot read 503' }],
    }],
  ])('unknown values that would decide the rule, on_lookup_error %s', (_name, policy, expected) => {
    expect(outcome(plan([{ ...customer, ...(policy && { on_lookup_error: policy }) }], visit, failed))).toEqual(expected);
  });

  it('unknown values that cannot decide the rule do not invoke the policy', () => {
    const other = eventFrom({ ...visitPayload(), server: { id: 'elsewhere', name: 'x' } });
    const either = rule({ name: 'either', crm: 'hs', on_lookup_error: 'retry', when: { any: [{ field: 'server.id', equals: '6502564c5c09c0a' }, { field: 'crm.contact.lifecyclestage', equals: 'customer' }] } });
    expect(outcome(plan([{ ...customer, on_lookup_error: 'retry' }], other, failed))).toEqual({ matches: [], misses: [], retries: [] });
    expect(outcome(plan([either], visit, failed))).toEqual({ matches: ['either'], misses: [], retries: [] });
  });

  it('bridge test (explain) reports unknown values as undecided, whatever the policy', () => {
    const p = plan([{ ...customer, on_lookup_error: 'match' }], visit, new Map([['hs', { status: 'unknown', reason: 'CRM value not cached' }]]), 'explain');
    expect(p.misses).toEqual([
      {
        rule: 'customer',
        reason: 'undecided: CRM value not cached',
        explanation: { test: 'all', passed: false, children: [{ test: 'server.id equals "6502564c5c09c0a"', passed: true, actual: '6502564c5c09c0a' }, { test: 'crm.contact.lifecyclestage equals "customer": unknown', passed: false }] },
      },
    ]);
  });

  it('a payload field named crm cannot stand in for the lookup', () => {
    const spoof = eventFrom({ ...visitPayload(), crm: { contact: { lifecyclestage: 'customer' } } });
    expect(eventView(spoof)['crm']).toBeUndefined();
    expect(outcome(plan([customer], spoof))).toEqual({ matches: [], misses: ['customer: CRM lookup failed (on_lookup_error: skip): CRM value not looked up'], retries: [] });
  });
});

describe('what the planner looks up', () => {
  it('only for rules that can still match with the CRM unknown, one lookup per destination with every property its rules read', () => {
    const lead = rule({ name: 'lead', crm: 'hs', when: { field: 'crm.contact.hs_lead_status', equals: 'OPEN' } });
    const elsewhere = rule({ name: 'elsewhere', crm: 'hs2', when: { all: [{ field: 'server.id', equals: 'not-this-one' }, { field: 'crm.contact.lifecyclestage', equals: 'customer' }] } });
    const joined = rule({ name: 'joined', on: 'user.joined', crm: 'hs2', when: { field: 'crm.contact.lifecyclestage', exists: true } });
    expect(crmLookupsOf(compile([customer, lead, elsewhere, joined]), visit, 0)).toEqual([
      { destination: 'hs', email: 'janedoe@example.com', properties: ['lifecyclestage', 'hs_lead_status'], ttlMs: 1_800_000 },
    ]);
    expect(crmLookupsOf(compile([elsewhere]), visit, 0)).toEqual([]);
    // The default TTL is an hour.
    expect(crmLookupsOf(compile([{ ...lead, crm: 'hs2' }]), visit, 0)).toEqual([{ destination: 'hs2', email: 'janedoe@example.com', properties: ['hs_lead_status'], ttlMs: 3_600_000 }]);
  });

  it('the rule index never files a rule under a crm.* value', () => {
    const onlyCrm = rule({ name: 'only-crm', crm: 'hs', when: { field: 'crm.contact.lifecyclestage', equals: 'customer' } });
    const compiled = compile([onlyCrm, customer]);
    // Filed by `on:` and by server.id: an event is a candidate whatever its payload says under crm.
    expect(compiled.index?.candidates(visit, eventView(visit))).toEqual([0, 1]);
    const leaf = compiled.rules[0]?.when;
    expect(leaf?.kind === 'leaf' ? leaf.index : 'not a leaf').toBeUndefined();
    expect(canMatch(leaf, eventView(visit), 0)).toBe('maybe');
  });
});
