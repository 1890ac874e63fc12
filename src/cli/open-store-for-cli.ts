import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readEnv } from '../env.js';
import { errorMessage } from '../error-message.js';
import { silentLogger } from '../log.js';
import { openStore } from '../store/open-store.js';
import { STORE_FILE } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import type { CliIo } from './cli-io.js';

/**
 * Opens the bridge's store for an operator command: DATABASE_URL's when it is set, else the SQLite
 * file in `--data` (else DATA_DIR), which is safe while the bridge runs (WAL). Says on stderr which
 * store it reads (stdout stays clean for --json), and refuses a folder with no store rather than
 * creating an empty one.
 */
export async function openStoreForCli(io: CliIo, dataDir?: string): Promise<Store | undefined> {
  const read = readEnv({ ...io.env, ...(dataDir !== undefined && { DATA_DIR: dataDir }) });
  if (!read.ok) {
    for (const e of read.errors) io.stderr(`${e}\n`);
    return undefined;
  }
  const { settings } = read;
  if (settings.DATABASE_URL === undefined) {
    const file = resolve(join(settings.DATA_DIR, STORE_FILE));
    if (!existsSync(file)) {
      const from = dataDir !== undefined ? `--data ${settings.DATA_DIR}` : `DATA_DIR=${settings.DATA_DIR}`;
      io.stderr(`bridge: no store at ${file} (${from}); give the bridge's data folder with --data DIR or DATA_DIR\n`);
      return undefined;
    }
    io.stderr(`reading store ${file}\n`);
  }
  try {
    const store = await openStore(settings, { now: Date.now, log: silentLogger() });
    if (settings.DATABASE_URL !== undefined) io.stderr(`reading store ${store.location}\n`);
    return store;
  } catch (err) {
    io.stderr(`bridge: ${errorMessage(err)}\n`);
    return undefined;
  }
}
