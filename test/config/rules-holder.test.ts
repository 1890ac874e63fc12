import { describe, expect, it } from 'vitest';
import { createRulesHolder } from '../../src/config/rules-holder.js';

/** A clock the test moves by hand. */
function fakeClock(start = Date.parse('2025-01-01T00:00:00.000Z')) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

describe('createRulesHolder', () => {
  it('starts with the initial rules and no reload history', () => {
    const clock = fakeClock();
    const holder = createRulesHolder({ value: ['a'], version: 'aaaaaaaaaaaa' }, clock.now);
    expect(holder.current()).toEqual({ value: ['a'], version: 'aaaaaaaaaaaa', loadedAt: clock.now() });
    expect(holder.status()).toEqual({
      version: 'aaaaaaaaaaaa',
      loadedAt: '2025-01-01T00:00:00.000Z',
      lastReload: null,
      reloads: 0,
      failures: 0,
    });
  });

  it('swaps atomically: a snapshot taken before the swap is unchanged after it', () => {
    const clock = fakeClock();
    const holder = createRulesHolder({ value: ['a'], version: 'v1' }, clock.now);
    const before = holder.current();
    clock.advance(5_000);
    holder.swap(['b'], 'v2');
    expect(before).toEqual({ value: ['a'], version: 'v1', loadedAt: Date.parse('2025-01-01T00:00:00.000Z') });
    expect(Object.isFrozen(before)).toBe(true);
    expect(holder.current()).toEqual({ value: ['b'], version: 'v2', loadedAt: Date.parse('2025-01-01T00:00:05.000Z') });
    expect(holder.status()).toEqual({
      version: 'v2',
      loadedAt: '2025-01-01T00:00:05.000Z',
      lastReload: { at: '2025-01-01T00:00:05.000Z', ok: true },
      reloads: 1,
      failures: 0,
    });
  });

  it('records a refused reload without touching the rules in force', () => {
    const clock = fakeClock();
    const holder = createRulesHolder({ value: ['a'], version: 'v1' }, clock.now);
    clock.advance(1_000);
    const errors = ['rules.yaml:3:5 rules[0].name: required'];
    holder.recordError(errors);
    expect(holder.current().value).toEqual(['a']);
    expect(holder.status()).toEqual({
      version: 'v1',
      loadedAt: '2025-01-01T00:00:00.000Z',
      lastReload: { at: '2025-01-01T00:00:01.000Z', ok: false, errors: ['rules.yaml:3:5 rules[0].name: required'] },
      reloads: 0,
      failures: 1,
    });
  });

  it('clears a stale error when the file is put back to the version in force', () => {
    const clock = fakeClock();
    const holder = createRulesHolder({ value: ['a'], version: 'v1' }, clock.now);
    holder.recordError(['rules.yaml:1:1: broken']);
    clock.advance(2_000);
    holder.recordUnchanged();
    expect(holder.status()).toEqual({
      version: 'v1',
      loadedAt: '2025-01-01T00:00:00.000Z',
      lastReload: { at: '2025-01-01T00:00:02.000Z', ok: true },
      reloads: 0,
      failures: 1,
    });
  });

  it('serialises to the JSON a status endpoint returns', () => {
    const holder = createRulesHolder({ value: { big: 'object' }, version: 'v1' }, fakeClock().now);
    holder.recordError(['e1', 'e2']);
    expect(JSON.parse(JSON.stringify(holder.status()))).toEqual(holder.status());
    expect(JSON.stringify(holder.status())).not.toContain('big');
  });
});
