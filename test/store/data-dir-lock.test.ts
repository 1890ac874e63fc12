import { describe, expect, it, onTestFinished } from 'vitest';
import { lockDataDir } from '../../src/store/data-dir-lock.js';
import { tempDir } from './temp-store.js';

describe('lockDataDir', () => {
  it('refuses a second holder, naming the first, until the first releases', () => {
    const { dir, cleanup } = tempDir();
    onTestFinished(cleanup);
    const first = lockDataDir(dir, { pid: 1234, now: () => Date.parse('2026-01-02T03:04:05.000Z') });
    if (!first.ok) throw new Error(first.error);
    expect(lockDataDir(dir, { pid: 99, now: Date.now })).toEqual({
      ok: false,
      error: `another bridge is serving from ${dir} (pid 1234, since 2026-01-02T03:04:05.000Z); stop it first, or give this one its own DATA_DIR`,
    });
    first.lock.release();
    const next = lockDataDir(dir, { pid: 99, now: Date.now });
    expect(next.ok).toBe(true);
    if (next.ok) next.lock.release();
  });
});
