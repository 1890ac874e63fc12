import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readEnv } from '../env.js';
import { silentLogger } from '../log.js';
import { openSqliteStore, STORE_FILE, type SqliteStore } from '../store/sqlite-store.js';
import type { CliIo } from './cli-io.js';

/**
 * Opens the bridge's store (`--data`, else DATA_DIR) for an operator command; safe while the bridge
 * runs (WAL). Says on stderr which file it reads (stdout stays clean for --json), and refuses a
 * folder with no store rather than creating an empty one.
 */
export function openStoreForCli(io: CliIo, dataDir?: string): SqliteStore | undefined {
  const read = readEnv({ ...io.env, ...(dataDir !== undefined && { DATA_DIR: dataDir }) });
  if (!read.ok) {
    for (const e of read.errors) io.stderr(`${e}\n`);
    return undefined;
  }
  const dir = read.settings.DATA_DIR;
  const file = resolve(join(dir, STORE_FILE));
  if (!existsSync(file)) {
    const from = dataDir !== undefined ? `--data ${dir}` : `DATA_DIR=${dir}`;
    io.stderr(`bridge: no store at ${file} (${from}); give the bridge's data folder with --data DIR or DATA_DIR\n`);
    return undefined;
  }
  io.stderr(`reading store ${file}\n`);
  return openSqliteStore({ dir, now: Date.now, log: silentLogger() });
}
