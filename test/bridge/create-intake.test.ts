import { describe, expect, it } from 'vitest';
import { createIntake } from '../../src/bridge/create-intake.js';
import type { IntakeStore, StoredEvent } from '../../src/store/store.js';
import { eventFrom, visitPayload } from '../rules/visit-event.js';
import { captureLog } from '../observe/capture-log.js';

const event = eventFrom(visitPayload(), 'd-1');

function fakeStore(result: 'accepted' | 'duplicate') {
  const calls: StoredEvent[] = [];
  const store: IntakeStore = {
    accept: (e) => {
      calls.push(e);
      return Promise.resolve(result);
    },
  };
  return { store, calls };
}

describe('createIntake', () => {
  it('stores the validated event only, with the receive time and the rules version in force', async () => {
    const { store, calls } = fakeStore('accepted');
    const { log } = captureLog();
    const intake = createIntake({ rulesVersion: () => 'v1', store, now: () => 5, log });
    expect(await intake(event)).toBe('accepted');
    expect(calls).toEqual([{ id: 'd-1', type: 'user.visited', name: event.name, payload: JSON.stringify(event.payload), rulesVersion: 'v1', receivedAt: 5 }]);
  });

  it('logs the event once and wakes the planner', async () => {
    const captured = captureLog('info');
    const woken: string[] = [];
    const intake = createIntake({ rulesVersion: () => 'v1', store: fakeStore('accepted').store, now: () => 5, log: captured.log, onAccepted: (e) => woken.push(e.id) });
    await intake(event);
    expect(captured.lines().map((l) => [l.msg, l.eventId, l.outcome])).toEqual([['event received', 'd-1', 'accepted']]);
    expect(woken).toEqual(['d-1']);
  });

  it('a duplicate wakes nothing', async () => {
    const captured = captureLog('info');
    let accepted = 0;
    let duplicates = 0;
    const intake = createIntake({
      rulesVersion: () => 'v1', store: fakeStore('duplicate').store, now: () => 5, log: captured.log,
      onAccepted: () => void (accepted += 1), onDuplicate: () => void (duplicates += 1),
    });
    expect(await intake(event)).toBe('duplicate');
    expect([accepted, duplicates]).toEqual([0, 1]);
    expect(captured.lines().map((l) => [l.msg, l.outcome])).toEqual([['event received', 'duplicate']]);
  });
});
