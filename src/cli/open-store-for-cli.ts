import { readEnv } from '../env.js';
import { silentLogger } from '../log.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite-store.js';
import type { CliIo } from './cli-io.js';

/** Opens the bridge's store (DATA_DIR) for an operator command; safe while the bridge runs (WAL). */
export function openStoreForCli(io: CliIo, dataDir?: string): SqliteStore | undefined {
  const read = readEnv({ ...io.env, ...(dataDir !== undefined && { DATA_DIR: dataDir }) });
  if (!read.ok) {
    for (const e of read.errors) io.stderr(`${e}\n`);
    return undefined;
  }
  return openSqliteStore({ dir: read.settings.DATA_DIR, now: Date.now, log: silentLogger() });
}
