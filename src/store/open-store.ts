import type { Settings } from '../env.js';
import type { Logger } from '../log.js';
import { openSqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

/** What `openStore` reads of the process settings. */
export type StoreSettings = Pick<Settings, 'DATA_DIR' | 'DATABASE_URL' | 'DEDUPE_WINDOW_HOURS'>;

export interface OpenStoreOptions {
  readonly now: () => number;
  readonly log: Logger;
}

/**
 * Opens the store the settings select: PostgreSQL when DATABASE_URL is set, else the embedded
 * SQLite file in DATA_DIR (the default: `npm start` needs nothing else). Rejects with a message
 * for the operator when it cannot. Async because an engine over the network connects and
 * migrates before it can answer.
 *
 * @example
 * const store = await openStore(settings, { now: Date.now, log });
 */
export async function openStore(settings: StoreSettings, opts: OpenStoreOptions): Promise<Store> {
  const dedupeWindowMs = settings.DEDUPE_WINDOW_HOURS * 3_600_000;
  if (settings.DATABASE_URL !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(settings.DATABASE_URL)) {
      throw new Error('DATABASE_URL must be a PostgreSQL URL (postgres://user:password@host:5432/database); unset it to use the SQLite store in DATA_DIR');
    }
    // Loaded only here: a bridge on SQLite never loads pg.
    const { openPgStore } = await import('./pg/pg-store.js');
    return openPgStore({ url: settings.DATABASE_URL, now: opts.now, log: opts.log, dedupeWindowMs });
  }
  return openSqliteStore({ dir: settings.DATA_DIR, now: opts.now, log: opts.log, dedupeWindowMs });
}
