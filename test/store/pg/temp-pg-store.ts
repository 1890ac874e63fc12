import { silentLogger } from '../../../src/log.js';
import { openPgStore, type PgStore, type PgStoreOptions } from '../../../src/store/pg/pg-store.js';
import { freshDatabase, type FreshDatabase } from '../../pg/fresh-database.js';

/** A PgStore on a database of its own in the run's cluster; `cleanup` closes it and drops the database. */
export interface TempPgStore {
  readonly store: PgStore;
  readonly db: FreshDatabase;
  /** Another store (another bridge process) on the same database. */
  openAnother(extra?: Partial<PgStoreOptions>): Promise<PgStore>;
  cleanup(): Promise<void>;
}

export async function openTempPgStore(clock: { now: () => number }, extra: Partial<PgStoreOptions> = {}): Promise<TempPgStore> {
  const db = await freshDatabase();
  const opened: PgStore[] = [];
  const open = async (more: Partial<PgStoreOptions> = {}): Promise<PgStore> => {
    const s = await openPgStore({ url: db.url, now: clock.now, log: silentLogger(), poolSize: 4, ...extra, ...more });
    opened.push(s);
    return s;
  };
  const store = await open();
  return {
    store,
    db,
    openAnother: open,
    async cleanup() {
      for (const s of opened) await s.close();
      await db.drop();
    },
  };
}
