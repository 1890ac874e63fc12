import { describe, expect, it } from 'vitest';
import type { OnlineCheck } from '../../src/bridge/check-online.js';
import { createCredentialStatus } from '../../src/bridge/credential-status.js';
import type { LoadedRules } from '../../src/config/load-rules.js';
import { captureLog } from '../observe/capture-log.js';

const loaded = (live: Record<string, boolean>): LoadedRules =>
  ({ destinations: new Map(Object.entries(live).map(([name, isLive]) => [name, { name, live: isLive }])) }) as unknown as LoadedRules;

const AT = Date.parse('2026-12-02T05:00:00.000Z');

describe('createCredentialStatus', () => {
  it('is checking until the vendors answer, then ok or refused per destination; dry ones have no state', async () => {
    let answer!: (r: OnlineCheck[]) => void;
    const log = captureLog();
    const status = createCredentialStatus({ checkOnline: () => new Promise((r) => (answer = r)), log: log.log, now: () => AT });
    const done = status.check(loaded({ a: true, b: true, dry: false }));
    expect([status.get('a'), status.get('dry')]).toEqual([{ state: 'checking' }, undefined]);
    answer([
      { name: 'a', kind: 'slack', ok: true, as: 'bot' },
      { name: 'b', kind: 'hubspot', ok: false, error: 'hubspot 401 INVALID_AUTHENTICATION' },
    ]);
    await done;
    expect([status.get('a'), status.get('b')]).toEqual([
      { state: 'ok', as: 'bot', checkedAt: '2026-12-02T05:00:00.000Z' },
      { state: 'refused', error: 'hubspot 401 INVALID_AUTHENTICATION', checkedAt: '2026-12-02T05:00:00.000Z' },
    ]);
    expect(log.lines().map((l) => [l.level, l.msg, l.destination])).toEqual([
      [30, 'destination a: authenticated as bot', 'a'],
      [40, 'destination b: credentials refused: hubspot 401 INVALID_AUTHENTICATION', 'b'],
    ]);
  });

  it('lets a later check win over an earlier one still in flight, and says nothing once closed', async () => {
    const answers: ((r: OnlineCheck[]) => void)[] = [];
    const log = captureLog();
    const status = createCredentialStatus({ checkOnline: () => new Promise((r) => answers.push(r)), log: log.log, now: () => AT });
    const first = status.check(loaded({ a: true }));
    const second = status.check(loaded({ a: true }));
    answers[1]?.([{ name: 'a', kind: 'slack', ok: true, as: 'new' }]);
    answers[0]?.([{ name: 'a', kind: 'slack', ok: false, error: 'old' }]);
    await Promise.all([first, second]);
    expect(status.get('a')).toEqual({ state: 'ok', as: 'new', checkedAt: '2026-12-02T05:00:00.000Z' });

    const third = status.check(loaded({ a: true }));
    status.close();
    answers[2]?.([{ name: 'a', kind: 'slack', ok: false, error: 'late' }]);
    await third;
    expect(log.lines().map((l) => l.msg)).toEqual(['destination a: authenticated as new']);
  });

  it('never rejects: a check that throws is one warning', async () => {
    const log = captureLog();
    const status = createCredentialStatus({ checkOnline: () => Promise.reject(new Error('boom')), log: log.log, now: () => AT });
    await expect(status.check(loaded({ a: true }))).resolves.toBeUndefined();
    expect(log.lines().map((l) => [l.level, l.msg])).toEqual([[40, 'credential check failed']]);
  });
});
