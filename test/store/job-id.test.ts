import { describe, expect, it } from 'vitest';
import { activeRules } from '../../src/bridge/active-rules.js';
import { loadRulesText } from '../../src/config/load-rules.js';
import { eventIdOfJob } from '../../src/store/job-id.js';
import { eventFrom, visitPayload } from '../rules/visit-event.js';

describe('eventIdOfJob', () => {
  it.each([
    ['msg_2Zx:vip-alert:0', 'msg_2Zx'],
    ['msg_2Zx:vip-alert:12#r3', 'msg_2Zx'],
    ['c_0123abcd:crm.sync_2:1', 'c_0123abcd'],
    // Event ids are the sender's: they may hold ':' and '#' themselves.
    ['a:b:rule:0', 'a:b'],
    ['a:b:0:rule:0', 'a:b:0'],
    ['id#r1:rule:0#r2', 'id#r1'],
    ['line\nbreak:rule:0', 'line\nbreak'],
  ])('%j belongs to event %j', (jobId, eventId) => {
    expect(eventIdOfJob(jobId)).toBe(eventId);
  });

  it.each(['', 'e1', 'e1:rule', ':rule:0', 'e1:rule:x', 'e1:-rule:0', 'e1:rule:0#r', 'e1:rule:0#x1'])('%j is not a job id', (jobId) => {
    expect(eventIdOfJob(jobId)).toBeUndefined();
  });
});

describe('job ids as the planner makes them', () => {
  const rules = (name: string) => `version: 1
destinations:
  alerts: { kind: slack, token: "\${UNSET_TOKEN}", channel: "#c" }
rules:
  - name: ${JSON.stringify(name)}
    on: "*"
    actions: [{ slack: { destination: alerts, text: hi } }]
`;

  it("round-trip to their event, whatever the event id holds and whichever characters the rule name uses", () => {
    const loaded = loadRulesText(rules('a.B_c-9'), 'rules.yaml', {});
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    const event = eventFrom(visitPayload(), 'msg:1#r2:x:0');
    const [key] = activeRules(loaded.rules).plan(event).plan.matches.flatMap((m) => m.actions.map((a) => a.key));
    expect(key).toBe('msg:1#r2:x:0:a.B_c-9:0');
    expect(eventIdOfJob(key ?? '')).toBe('msg:1#r2:x:0');
    expect(eventIdOfJob(`${key ?? ''}#r3`)).toBe('msg:1#r2:x:0');
  });

  it.each(['a:b', 'a#b'])('cannot come from a rule named %j: the schema refuses it', (name) => {
    const loaded = loadRulesText(rules(name), 'rules.yaml', {});
    expect(loaded.ok).toBe(false);
    expect(loaded.ok ? [] : loaded.errors.join('\n')).toContain("rule names use letters, digits, '_', '.', '-' and start with a letter or digit");
  });
});
