import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { openStore } from '../../src/store/open-store.js';
import { tempDir } from './temp-store.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const settings = (dir: string, url?: string) => ({ DATA_DIR: dir, DEDUPE_WINDOW_HOURS: 168, ...(url !== undefined && { DATABASE_URL: url }) });

describe('openStore', () => {
  it('opens the SQLite file in DATA_DIR when DATABASE_URL is unset', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const store = await openStore(settings(dir), { now: () => 0, log: silentLogger() });
    expect(store.location).toBe(join(dir, 'bridge.db'));
    expect(store.writable()).toBe(true);
    await store.close();
    expect(store.writable()).toBe(false);
  });

  it('refuses DATABASE_URL while this bridge has no PostgreSQL store', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    await expect(openStore(settings(dir, 'postgres://bridge@127.0.0.1:5432/bridge'), { now: () => 0, log: silentLogger() })).rejects.toThrow(
      'DATABASE_URL is set but this bridge has no PostgreSQL store yet; unset DATABASE_URL to use the SQLite store in DATA_DIR',
    );
  });
});
