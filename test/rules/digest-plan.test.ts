import { describe, expect, it } from 'vitest';
import type { RulesFile } from '../../src/config/rules-schema.js';
import type { JsonObject } from '../../src/events/event.js';
import { compileRules } from '../../src/rules/compile-rules.js';
import { planEvent } from '../../src/rules/plan.js';
import { renderDigest } from '../../src/rules/render-digest.js';
import { stateId, type RuleState } from '../../src/rules/state-types.js';
import { fakeDestinations, fakeKinds } from './fake-kinds.js';
import { eventFrom, visitPayload } from './visit-event.js';

type RuleInput = RulesFile['rules'][number];

const HOURLY = { key: '{{ server.id }}', every: '1h', max_items: 25 };
const LIST = '{{ digest.count }} on {{ server.name }}: {{#digest.items}}{{ user.name }}; {{/digest.items}}{{#digest.more}}and {{ digest.more }} more{{/digest.more}}';

function compiled(rules: Partial<RuleInput>[]) {
  const file = {
    version: 1 as const, destinations: {}, lists: {},
    rules: rules.map((r, i) => ({ name: `r${i}`, on: '*', actions: [{ chat: { destination: 'alerts', text: LIST } }], stop: false, enabled: true, mode: 'live', ...r })),
  } as RulesFile;
  return compileRules({ file, destinations: fakeDestinations }, fakeKinds);
}

/** A visit by user `name` (id and email from it). */
function visit(name: string, id = `d-${name}`) {
  const p = visitPayload() as { user: Record<string, string> } & JsonObject;
  p.user = { ...p.user, id: name, name, email: `${name.toLowerCase()}@example.com` };
  return eventFrom(p, id);
}

const iso = (t: number): string => new Date(t).toISOString();

/** Plans visits in order against one state map, as the planner does; what rule r0 made of each. */
function run(rules: Partial<RuleInput>[], visits: readonly [string, string][], opts: { replay?: boolean } = {}): string[] {
  const c = compiled(rules);
  const state = new Map<string, RuleState>();
  return visits.map(([name, at]) => {
    const { plan, updates } = planEvent(c, visit(name), { now: Date.parse(at), state, ...opts });
    for (const u of updates) state.set(stateId(u.scope, u.key), u);
    const m = plan.matches.find((x) => x.rule === 'r0');
    if (m?.digest) return `${m.shadow ? 'shadow ' : ''}buffered ${m.digest.key} [${iso(m.digest.windowStart)}, ${iso(m.digest.windowEnd)}) as ${String((m.digest.item['user'] as JsonObject)['name'])}`;
    if (m) return `sent ${JSON.stringify(m.actions.map((a) => a.request))}${m.until === undefined ? '' : ` at ${iso(m.until)}`}`;
    const s = plan.suppressed.find((x) => x.rule === 'r0');
    if (s) return `${s.reason} until ${iso(s.until)}`;
    return plan.misses.find((x) => x.rule === 'r0')?.reason ?? 'none';
  });
}

describe('planning a digest rule', () => {
  it.each<{ name: string; rules: Partial<RuleInput>[]; visits: [string, string][]; want: string[] }>([
    {
      name: 'a match is buffered in its window, not sent; an event at the end is in the next window',
      rules: [{ digest: HOURLY }],
      visits: [['Ann', '2026-12-02T14:00:00Z'], ['Bob', '2026-12-02T14:59:59.999Z'], ['Cy', '2026-12-02T15:00:00Z']],
      want: [
        'buffered 6502564c5c09c0a [2026-12-02T14:00:00.000Z, 2026-12-02T15:00:00.000Z) as Ann',
        'buffered 6502564c5c09c0a [2026-12-02T14:00:00.000Z, 2026-12-02T15:00:00.000Z) as Bob',
        'buffered 6502564c5c09c0a [2026-12-02T15:00:00.000Z, 2026-12-02T16:00:00.000Z) as Cy',
      ],
    },
    {
      name: 'bypass_digest: a match it holds for goes at once, as a digest of itself',
      rules: [{ digest: HOURLY, bypass_digest: { field: 'user.name', equals: 'Ceo' } }],
      visits: [['Ann', '2026-12-02T14:10:00Z'], ['Ceo', '2026-12-02T14:20:00Z']],
      want: [
        'buffered 6502564c5c09c0a [2026-12-02T14:00:00.000Z, 2026-12-02T15:00:00.000Z) as Ann',
        'sent [{"room":"#alerts","text":"1 on John\'s community: Ceo; "}]',
      ],
    },
    {
      name: 'cooldown per item: a cooled-down match is not buffered',
      rules: [{ digest: HOURLY, cooldown: { key: 'user.id', for: '1d' } }],
      visits: [['Ann', '2026-12-02T14:10:00Z'], ['Ann', '2026-12-02T14:20:00Z'], ['Bob', '2026-12-02T14:30:00Z']],
      want: [
        'buffered 6502564c5c09c0a [2026-12-02T14:00:00.000Z, 2026-12-02T15:00:00.000Z) as Ann',
        'cooldown until 2026-12-03T14:10:00.000Z',
        'buffered 6502564c5c09c0a [2026-12-02T14:00:00.000Z, 2026-12-02T15:00:00.000Z) as Bob',
      ],
    },
    {
      name: 'quiet hours defer: the item is buffered (the digest send is what waits)',
      rules: [{ digest: HOURLY, quiet_hours: { tz: 'UTC', from: '22:00', to: '08:00', then: 'defer' } }],
      visits: [['Ann', '2026-12-02T23:10:00Z']],
      want: ['buffered 6502564c5c09c0a [2026-12-02T23:00:00.000Z, 2026-12-03T00:00:00.000Z) as Ann'],
    },
    {
      name: 'quiet hours drop: the item is suppressed, not buffered',
      rules: [{ digest: HOURLY, quiet_hours: { tz: 'UTC', from: '22:00', to: '08:00', then: 'drop' } }],
      visits: [['Ann', '2026-12-02T23:10:00Z']],
      want: ['quiet_hours until 2026-12-03T08:00:00.000Z'],
    },
    {
      name: 'a shadow digest rule says what it would have buffered',
      rules: [{ digest: HOURLY, mode: 'shadow' }],
      visits: [['Ann', '2026-12-02T14:10:00Z']],
      want: ['shadow buffered 6502564c5c09c0a [2026-12-02T14:00:00.000Z, 2026-12-02T15:00:00.000Z) as Ann'],
    },
    {
      name: 'an empty digest key is a miss that says so',
      rules: [{ digest: { ...HOURLY, key: '{{ server.nothing }}' } }],
      visits: [['Ann', '2026-12-02T14:10:00Z']],
      want: ['digest key {{ server.nothing }} is empty for this event'],
    },
    {
      name: 'at: windows end at 09:00 Berlin, 23 hours across the spring-forward',
      rules: [{ digest: { key: 'server.id', at: '09:00', tz: 'Europe/Berlin', max_items: 25 } }],
      visits: [['Ann', '2026-03-29T06:59:59Z'], ['Bob', '2026-03-29T07:00:00Z']],
      want: [
        'buffered 6502564c5c09c0a [2026-03-28T08:00:00.000Z, 2026-03-29T07:00:00.000Z) as Ann',
        'buffered 6502564c5c09c0a [2026-03-29T07:00:00.000Z, 2026-03-30T07:00:00.000Z) as Bob',
      ],
    },
  ])('$name', ({ rules, visits, want }) => {
    expect(run(rules, visits)).toEqual(want);
  });

  it('a replay (an operator asked for it) sends at once', () => {
    expect(run([{ digest: HOURLY }], [['Ann', '2026-12-02T14:10:00Z']], { replay: true })).toEqual(['sent [{"room":"#alerts","text":"1 on John\'s community: Ann; "}]']);
  });

  it('the buffered item is a copy of the view: what later rules do to it does not leak in', () => {
    const c = compiled([{ digest: HOURLY }]);
    const { plan } = planEvent(c, visit('Ann'), { now: 0, state: new Map() });
    expect(plan.matches[0]?.actions).toEqual([]);
    expect(plan.matches[0]?.digest?.item).toMatchObject({ user: { name: 'Ann', email_domain: 'example.com' }, event: { type: 'user.visited', id: 'd-Ann' } });
  });
});

describe('renderDigest', () => {
  const items = (names: readonly string[]) => names.map((n) => ({ eventId: `d-${n}`, item: planEvent(compiled([{ digest: HOURLY }]), visit(n), { now: 0, state: new Map() }).plan.matches[0]?.digest?.item as JsonObject }));
  const window = { rule: 'r0', key: 'srv', windowStart: Date.parse('2026-12-02T14:00:00Z'), windowEnd: Date.parse('2026-12-02T15:00:00Z') };

  it.each<[string, number, string[], string]>([
    ['lists every item under max_items', 25, ['Ann', 'Bob'], "2 on John's community: Ann; Bob; "],
    ['lists max_items, oldest first, and counts the rest', 2, ['Ann', 'Bob', 'Cy', 'Di'], "4 on John's community: Ann; Bob; and 2 more"],
    ['exactly max_items: no "more"', 3, ['Ann', 'Bob', 'Cy'], "3 on John's community: Ann; Bob; Cy; "],
  ])('%s', (_name, maxItems, names, text) => {
    const c = compiled([{ digest: { ...HOURLY, max_items: maxItems } }]);
    expect(renderDigest(c, { ...window, items: items(names) })).toEqual({
      actions: [{ destination: 'alerts', kind: 'chat', index: 0, key: `d-${names.at(-1) ?? ''}:r0:0`, request: { room: '#alerts', text } }],
      misses: [],
    });
  });

  it('renders digest.key and the window, escaped for the destination', () => {
    const c = compiled([{ digest: HOURLY, actions: [{ chat: { destination: 'alerts', text: '{{ digest.key }} {{ digest.window_start }}–{{ digest.window_end }} newest {{ user.name }}' } }] }]);
    const rendered = renderDigest(c, { ...window, key: '<srv>', items: items(['Ann', 'Bob']) });
    expect(rendered?.actions[0]?.request).toEqual({ room: '#alerts', text: '&lt;srv> 2026-12-02T14:00:00.000Z–2026-12-02T15:00:00.000Z newest Bob' });
  });

  it('a window ending inside quiet hours is due when they end', () => {
    const c = compiled([{ digest: HOURLY, quiet_hours: { tz: 'UTC', from: '14:30', to: '16:00', then: 'defer' } }]);
    expect(renderDigest(c, { ...window, items: items(['Ann']) })?.dueAt).toBe(Date.parse('2026-12-02T16:00:00Z'));
  });

  it('an empty window renders nothing', () => {
    expect(renderDigest(compiled([{ digest: HOURLY }]), { ...window, items: [] })).toEqual({ actions: [], misses: [] });
  });

  it('a rule removed from the rules, or no longer a digest, renders undefined', () => {
    expect(renderDigest(compiled([{ digest: HOURLY }]), { ...window, rule: 'gone', items: items(['Ann']) })).toBeUndefined();
    expect(renderDigest(compiled([{}]), { ...window, items: items(['Ann']) })).toBeUndefined();
  });

  it('an action that cannot be built is a miss beside the ones that can', () => {
    const c = compiled([{ digest: HOURLY, actions: [{ chat: { destination: 'alerts', text: '{{ digest.count }}' } }, { ledger: { destination: 'crm', email: 'x', name: '{{#digest.items}}{{ user.name }}{{/digest.items}}' } }] }]);
    const rendered = renderDigest(c, { ...window, items: items(['Annabelle', 'Bartholomew', 'Cy']) });
    expect(rendered?.actions.map((a) => a.request)).toEqual([{ room: '#alerts', text: '3' }]);
    expect(rendered?.misses).toEqual([{ rule: 'r0', reason: 'action 1 (ledger to crm) not built: name is 22 characters; the limit is 20' }]);
  });
});
