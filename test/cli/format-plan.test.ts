import { describe, expect, it } from 'vitest';
import { formatPlan, planJson } from '../../src/cli/format-plan.js';
import type { Plan } from '../../src/rules/plan-types.js';

const DUE = Date.parse('2026-03-29T06:00:00Z');
const inside = { window: 'Europe/Berlin 22:00–08:00, then defer', local: 'sun 2026-03-29 00:10', inside: true };
const plan: Plan = {
  event: { type: 'user.visited', id: 'd-1', name: 'User Visits Server' },
  matches: [{ rule: 'night-visit', actions: [{ destination: 'alerts', kind: 'slack', index: 0, key: 'd-1:night-visit:0', request: { text: 'hi' } }], until: DUE, quietHours: inside }],
  suppressed: [{ rule: 'night-drop', reason: 'quiet_hours', until: DUE, quietHours: { ...inside, window: 'Europe/Berlin 22:00–08:00, then drop' } }],
  misses: [],
};

describe('formatPlan with quiet hours', () => {
  it('says a match is deferred and until when, and how the quiet hours saw the receive time', () => {
    expect(formatPlan(plan).split('\n')).toEqual([
      'event user.visited d-1 ("User Visits Server")',
      '',
      'MATCH night-visit: deferred by quiet hours until 2026-03-29T06:00:00.000Z',
      '    quiet hours Europe/Berlin 22:00–08:00, then defer: inside at sun 2026-03-29 00:10',
      '    → slack alerts would send:',
      '        {',
      '          "text": "hi"',
      '        }',
      '',
      'SUPPRESSED night-drop: quiet_hours until 2026-03-29T06:00:00.000Z',
      '    quiet hours Europe/Berlin 22:00–08:00, then drop: inside at sun 2026-03-29 00:10',
      '',
      '',
    ]);
  });

  it('puts deferred_until and quiet_hours in the --json output', () => {
    expect(planJson(plan)).toMatchObject({
      matches: [{ rule: 'night-visit', deferred_until: '2026-03-29T06:00:00.000Z', quiet_hours: inside }],
      suppressed: [{ rule: 'night-drop', reason: 'quiet_hours', until: '2026-03-29T06:00:00.000Z', quiet_hours: { inside: true } }],
    });
  });
});

describe('formatPlan with digests', () => {
  const WINDOW_END = Date.parse('2026-12-02T15:00:00Z');
  const digest = { key: 'srv-1', windowStart: WINDOW_END - 3_600_000, windowEnd: WINDOW_END, item: {} };
  const buffered: Plan = {
    event: { type: 'user.visited', id: 'd-1', name: 'User Visits Server' },
    matches: [{ rule: 'vip-digest', actions: [], digest }, { rule: 'new-digest', shadow: true, actions: [], digest }],
    suppressed: [],
    misses: [],
  };

  it('says a match is buffered into its digest and until when, as the decision does', () => {
    expect(formatPlan(buffered).split('\n')).toEqual([
      'event user.visited d-1 ("User Visits Server")',
      '',
      'MATCH vip-digest: buffered into digest "srv-1" until 2026-12-02T15:00:00.000Z',
      '',
      'SHADOW new-digest: would have buffered into digest "srv-1" until 2026-12-02T15:00:00.000Z (mode: shadow; nothing is buffered)',
      '',
      '',
    ]);
  });

  it('puts the digest key and window in the --json output', () => {
    expect(planJson(buffered)).toMatchObject({
      matches: [{ rule: 'vip-digest', actions: [], digest: { key: 'srv-1', window_start: '2026-12-02T14:00:00.000Z', window_end: '2026-12-02T15:00:00.000Z' } }, { rule: 'new-digest', shadow: true }],
    });
  });
});
