import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { openStore } from '../../src/store/open-store.js';
import { storedEvent, tempDir } from './temp-store.js';
import { freshDatabase } from '../pg/fresh-database.js';

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

  it('opens PostgreSQL when DATABASE_URL is set, and says where without the password', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const db = await freshDatabase();
    const url = new URL(db.url);
    url.password = 'not-needed';
    const store = await openStore(settings(dir, url.toString()), { now: () => 0, log: silentLogger() });
    try {
      expect(store.location).toBe(url.toString().replace(':not-needed@', ':***@'));
      expect(await store.accept(storedEvent('e1'))).toBe('accepted');
      expect(store.writable()).toBe(true);
      expect(existsSync(join(dir, 'bridge.db'))).toBe(false);
    } finally {
      await store.close();
      await db.drop();
    }
  });

  it.each([
    ['mysql://bridge@127.0.0.1/bridge', 'DATABASE_URL must be a PostgreSQL URL (postgres://user:password@host:5432/database); unset it to use the SQLite store in DATA_DIR'],
    ['postgres://bridge:pw@127.0.0.1:1/bridge', /^cannot open the PostgreSQL store at postgres:\/\/bridge:\*\*\*@127\.0\.0\.1:1\/bridge: /],
  ])('refuses DATABASE_URL=%s', async (url, message) => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    await expect(openStore(settings(dir, url), { now: () => 0, log: silentLogger() })).rejects.toThrow(message);
  });
});
