import { describe, expect, it } from 'vitest';
import type { RulesFile } from '../../src/config/rules-schema.js';
import { compileRules } from '../../src/rules/compile-rules.js';
import { planEvent } from '../../src/rules/plan.js';
import { stateId, type RuleState } from '../../src/rules/state-types.js';
import { fakeDestinations, fakeKinds } from './fake-kinds.js';
import { eventFrom, visitPayload } from './visit-event.js';

type RuleInput = RulesFile['rules'][number];
type QuietHours = NonNullable<RuleInput['quiet_hours']>;

const BERLIN_NIGHTS = { tz: 'Europe/Berlin', from: '22:00', to: '08:00' } as const;
const defer = (w: Omit<QuietHours, 'then'> = BERLIN_NIGHTS): QuietHours => ({ ...w, then: 'defer' });
const drop = (w: Omit<QuietHours, 'then'> = BERLIN_NIGHTS): QuietHours => ({ ...w, then: 'drop' });

function compiled(rules: Partial<RuleInput>[]) {
  const file = {
    version: 1 as const, destinations: {}, lists: {},
    rules: rules.map((r, i) => ({ name: `r${i}`, on: '*', actions: [{ chat: { destination: 'alerts', text: 'hi' } }], stop: false, enabled: true, ...r })),
  } as RulesFile;
  return compileRules({ file, destinations: fakeDestinations }, fakeKinds);
}

const iso = (t: number): string => new Date(t).toISOString();

/**
 * Plans one visit of the same user at each instant (UTC), in order against one state map as the
 * planner does, and says what rule r0 made of each: `matched`, `deferred to <due>`,
 * `<reason> until <end>`, or the miss reason.
 */
function run(rules: Partial<RuleInput>[], instants: readonly string[], opts: { replay?: boolean } = {}): string[] {
  const c = compiled(rules);
  const state = new Map<string, RuleState>();
  return instants.map((at, i) => {
    const { plan, updates } = planEvent(c, eventFrom(visitPayload(), `d-${i}`), { now: Date.parse(at), state, ...opts });
    for (const u of updates) state.set(stateId(u.scope, u.key), u);
    const m = plan.matches.find((x) => x.rule === 'r0');
    if (m) return m.until === undefined ? 'matched' : `deferred to ${iso(m.until)}`;
    const s = plan.suppressed.find((x) => x.rule === 'r0');
    if (s) return `${s.reason} until ${iso(s.until)}`;
    return plan.misses.find((x) => x.rule === 'r0')?.reason ?? (plan.unlistedMisses === 1 ? 'missed on its fields (counted, not listed)' : 'none');
  });
}

describe('quiet hours', () => {
  it.each<{ name: string; rules: Partial<RuleInput>[]; at: string[]; want: string[] }>([
    {
      // 2026-03-28 22:00 CET is 21:00Z; the night ends at 08:00 CEST, 06:00Z (9 hours).
      name: 'defer: a match inside is due at the end, across the spring-forward; the end itself is outside',
      rules: [{ quiet_hours: defer() }],
      at: ['2026-03-28T20:59:59Z', '2026-03-28T21:00:00Z', '2026-03-29T01:30:00Z', '2026-03-29T06:00:00Z'],
      want: ['matched', 'deferred to 2026-03-29T06:00:00.000Z', 'deferred to 2026-03-29T06:00:00.000Z', 'matched'],
    },
    {
      // 2026-10-25: 02:00–03:00 happens twice; the night ends at 08:00 CET, 07:00Z (11 hours).
      name: 'defer: across the fall-back, both 02:30s are inside and due at 08:00 CET',
      rules: [{ quiet_hours: defer() }],
      at: ['2026-10-24T20:00:00Z', '2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z', '2026-10-25T06:59:59Z', '2026-10-25T07:00:00Z'],
      want: ['deferred to 2026-10-25T07:00:00.000Z', 'deferred to 2026-10-25T07:00:00.000Z', 'deferred to 2026-10-25T07:00:00.000Z', 'deferred to 2026-10-25T07:00:00.000Z', 'matched'],
    },
    {
      name: 'defer: an end the spring-forward skips (02:30 in Berlin) is the change, 03:00 CEST',
      rules: [{ quiet_hours: defer({ tz: 'Europe/Berlin', from: '22:00', to: '02:30' }) }],
      at: ['2026-03-29T00:30:00Z', '2026-03-29T01:00:00Z'],
      want: ['deferred to 2026-03-29T01:00:00.000Z', 'matched'],
    },
    {
      name: 'defer: an end the fall-back repeats (01:30 in New York) is its first occurrence, EDT',
      rules: [{ quiet_hours: defer({ tz: 'America/New_York', from: '23:00', to: '01:30' }) }],
      at: ['2026-11-01T05:00:00Z', '2026-11-01T06:00:00Z'],
      want: ['deferred to 2026-11-01T05:30:00.000Z', 'matched'],
    },
    {
      name: 'defer: New York nights across its spring-forward (22:00 EST to 08:00 EDT)',
      rules: [{ quiet_hours: defer({ tz: 'America/New_York', from: '22:00', to: '08:00' }) }],
      at: ['2026-03-08T03:00:00Z', '2026-03-08T11:59:59Z', '2026-03-08T12:00:00Z'],
      want: ['deferred to 2026-03-08T12:00:00.000Z', 'deferred to 2026-03-08T12:00:00.000Z', 'matched'],
    },
    {
      name: 'defer: whole weekend days run to monday 00:00',
      rules: [{ quiet_hours: defer({ tz: 'Europe/Berlin', weekdays: ['sat', 'sun'] }) }],
      at: ['2026-04-04T10:00:00Z', '2026-04-05T21:59:00Z', '2026-04-05T22:00:00Z'],
      want: ['deferred to 2026-04-05T22:00:00.000Z', 'deferred to 2026-04-05T22:00:00.000Z', 'matched'],
    },
    {
      name: 'drop: a match inside is suppressed until the end, and nothing is sent',
      rules: [{ quiet_hours: drop() }],
      at: ['2026-03-28T21:00:00Z', '2026-03-29T06:00:00Z'],
      want: ['quiet_hours until 2026-03-29T06:00:00.000Z', 'matched'],
    },
    {
      name: 'drop + cooldown: a dropped match starts no cooldown, so the morning visit fires',
      rules: [{ quiet_hours: drop(), cooldown: { key: 'user.id', for: '7d' } }],
      at: ['2026-03-28T23:00:00Z', '2026-03-29T06:30:00Z', '2026-03-29T07:00:00Z'],
      want: ['quiet_hours until 2026-03-29T06:00:00.000Z', 'matched', 'cooldown until 2026-04-05T06:30:00.000Z'],
    },
    {
      name: 'defer + cooldown: the cooldown runs from when the deferred actions are due; the night\'s repeats are suppressed',
      rules: [{ quiet_hours: defer(), cooldown: { key: 'user.id', for: '1h' } }],
      at: ['2026-03-28T22:00:00Z', '2026-03-29T00:00:00Z', '2026-03-29T06:30:00Z', '2026-03-29T07:00:00Z'],
      want: ['deferred to 2026-03-29T06:00:00.000Z', 'cooldown until 2026-03-29T07:00:00.000Z', 'cooldown until 2026-03-29T07:00:00.000Z', 'matched'],
    },
    {
      name: 'cooldown first: a match that is cooling is suppressed for the cooldown, even inside quiet hours',
      rules: [{ quiet_hours: drop(), cooldown: { key: 'user.id', for: '7d' } }],
      at: ['2026-03-28T12:00:00Z', '2026-03-28T23:00:00Z'],
      want: ['matched', 'cooldown until 2026-04-04T12:00:00.000Z'],
    },
    {
      name: 'a failed condition never reaches quiet hours',
      rules: [{ quiet_hours: drop(), when: { field: 'user.email', equals: 'nobody@example.com' } }],
      at: ['2026-03-28T23:00:00Z'],
      want: ['missed on its fields (counted, not listed)'],
    },
  ])('$name', ({ rules, at, want }) => {
    expect(run(rules, at)).toEqual(want);
  });

  it('a replay (an operator asked for it) sends now, inside quiet hours too, and starts no cooldown', () => {
    const rules = [{ quiet_hours: drop(), cooldown: { key: 'user.id', for: '7d' } }];
    expect(run(rules, ['2026-03-28T23:00:00Z', '2026-03-28T23:01:00Z'], { replay: true })).toEqual(['matched', 'matched']);
  });

  it('a dropped match of a stop rule still stops the rules after it, as a suppressed one does', () => {
    const c = compiled([{ quiet_hours: drop(), stop: true }, {}]);
    const { plan } = planEvent(c, eventFrom(visitPayload()), { now: Date.parse('2026-03-28T23:00:00Z'), state: new Map() });
    expect(plan.misses).toEqual([{ rule: 'r1', reason: 'stopped by rule "r0"' }]);
  });

  it('says how the quiet hours judged the receive time, inside or not, with the local time', () => {
    const c = compiled([{ quiet_hours: defer() }, { name: 'q', quiet_hours: drop() }]);
    const night = planEvent(c, eventFrom(visitPayload()), { now: Date.parse('2026-03-28T23:10:00Z'), state: new Map() }).plan;
    expect(night.matches[0]).toMatchObject({ rule: 'r0', until: Date.parse('2026-03-29T06:00:00Z'), quietHours: { window: 'Europe/Berlin 22:00–08:00, then defer', local: 'sun 2026-03-29 00:10', inside: true } });
    expect(night.suppressed).toEqual([{ rule: 'q', reason: 'quiet_hours', until: Date.parse('2026-03-29T06:00:00Z'), quietHours: { window: 'Europe/Berlin 22:00–08:00, then drop', local: 'sun 2026-03-29 00:10', inside: true } }]);
    const day = planEvent(c, eventFrom(visitPayload()), { now: Date.parse('2026-03-29T10:00:00Z'), state: new Map() }).plan;
    expect(day.matches.map((m) => [m.rule, m.until, m.quietHours])).toEqual([
      ['r0', undefined, { window: 'Europe/Berlin 22:00–08:00, then defer', local: 'sun 2026-03-29 12:00', inside: false }],
      ['q', undefined, { window: 'Europe/Berlin 22:00–08:00, then drop', local: 'sun 2026-03-29 12:00', inside: false }],
    ]);
  });
});
