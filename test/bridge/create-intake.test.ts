import { describe, expect, it } from 'vitest';
import { createIntake } from '../../src/bridge/create-intake.js';
import type { Plan } from '../../src/rules/plan-types.js';
import type { IntakeStore, NewJob } from '../../src/store/store.js';
import { eventFrom, visitPayload } from '../rules/visit-event.js';
import { captureLog } from '../observe/capture-log.js';

const event = eventFrom(visitPayload(), 'd-1');

const plan: Plan = {
  event: { type: event.type, id: event.id, name: event.name },
  matches: [{ rule: 'vip', actions: [{ destination: 'alerts', kind: 'slack', index: 0, key: 'd-1:vip:0', request: { channel: '#c', text: 'hi' } }] }],
  misses: [
    { rule: 'crm', reason: 'action 0 (hubspot to crm) not built: email "x" is not valid' },
    { rule: 'join', reason: 'not subscribed to user.visited' },
  ],
};

function fakeStore(result: 'accepted' | 'duplicate') {
  const calls: { key: string; jobs: readonly NewJob[] }[] = [];
  const store: IntakeStore = {
    accept: (e, jobs) => {
      calls.push({ key: e.id, jobs });
      return Promise.resolve(result);
    },
  };
  return { store, calls };
}

describe('createIntake', () => {
  it('stores the event with one job per planned action, keyed by the event id', async () => {
    const { store, calls } = fakeStore('accepted');
    const { log } = captureLog();
    const intake = createIntake({ rules: () => ({ version: 'v1', plan: () => plan }), store, now: () => 5, log });
    expect(await intake(event)).toBe('accepted');
    expect(calls).toEqual([{ key: 'd-1', jobs: [{ id: 'd-1:vip:0', eventId: 'd-1', rule: 'vip', actionIndex: 0, destination: 'alerts', kind: 'slack', request: { channel: '#c', text: 'hi' } }] }]);
  });

  it('logs the event once, and warns about an action that could not be built', async () => {
    const captured = captureLog('info');
    const intake = createIntake({ rules: () => ({ version: 'v1', plan: () => plan }), store: fakeStore('accepted').store, now: () => 5, log: captured.log });
    await intake(event);
    expect(captured.lines().map((l) => [l.msg, l.eventId])).toEqual([['event received', 'd-1'], ['action not built', 'd-1']]);
    expect(captured.lines()[1]).toMatchObject({ rule: 'crm', reason: 'action 0 (hubspot to crm) not built: email "x" is not valid' });
  });

  it('a duplicate fires nothing and warns about nothing', async () => {
    const captured = captureLog('info');
    let accepted = 0;
    let duplicates = 0;
    const intake = createIntake({
      rules: () => ({ version: 'v1', plan: () => plan }), store: fakeStore('duplicate').store, now: () => 5, log: captured.log,
      onAccepted: () => void (accepted += 1), onDuplicate: () => void (duplicates += 1),
    });
    expect(await intake(event)).toBe('duplicate');
    expect([accepted, duplicates]).toEqual([0, 1]);
    expect(captured.lines().map((l) => [l.msg, l.outcome, l.jobs])).toEqual([['event received', 'duplicate', 0]]);
  });
});
