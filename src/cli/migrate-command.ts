import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { readEnv } from '../env.js';
import { errorMessage } from '../error-message.js';
import { silentLogger } from '../log.js';
import { lockDataDir } from '../store/data-dir-lock.js';
import { COPIED_TABLES, copySqliteToPg } from '../store/pg/copy-sqlite-to-pg.js';
import { migratePg } from '../store/pg/pg-migrations.js';
import { createPgPool } from '../store/pg/pg-pool.js';
import { redactUrl } from '../store/pg/pg-store.js';
import { openSqliteStore, STORE_FILE } from '../store/sqlite-store.js';
import { UsageError, type CliIo } from './cli-io.js';

export const MIGRATE_USAGE = `usage: bridge migrate --to postgres://USER@HOST/DB [--data DIR] [--json]
  Copies the SQLite store in the data folder (--data, else DATA_DIR) into an empty PostgreSQL
  database: events, jobs (with their attempts, errors and vendor refs), decisions, dedupe, state
  (cooldowns, counts, memos) and digest items, in one transaction. Stop the bridge first. Without
  --to it uses DATABASE_URL; a password in the URL is better kept in DATABASE_URL or ~/.pgpass
  than typed on a command line. Then start the bridges with DATABASE_URL set.`;

/** `bridge migrate`: move up from the embedded SQLite store to PostgreSQL without losing history. */
export async function runMigrate(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { to: { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  const url = values.to ?? io.env.DATABASE_URL;
  if (url === undefined || url === '') throw new UsageError('give --to postgres://… (or set DATABASE_URL)');
  if (!/^postgres(ql)?:\/\//.test(url)) throw new UsageError(`--to must be a postgres:// URL, not ${JSON.stringify(redactUrl(url))}`);
  const read = readEnv({ ...io.env, ...(values.data !== undefined && { DATA_DIR: values.data }) });
  if (!read.ok) {
    for (const e of read.errors) io.stderr(`${e}\n`);
    return 1;
  }
  const dir = read.settings.DATA_DIR;
  const file = resolve(join(dir, STORE_FILE));
  if (!existsSync(file)) {
    io.stderr(`bridge migrate: no store at ${file}; give the bridge's data folder with --data DIR or DATA_DIR\n`);
    return 1;
  }
  // A bridge still serving would keep writing what this has already copied.
  const locked = lockDataDir(dir, { pid: process.pid, now: Date.now });
  if (!locked.ok) {
    io.stderr(`bridge migrate: ${locked.error}\n`);
    return 1;
  }
  const target = redactUrl(url);
  const pool = createPgPool({ url, max: 1 });
  pool.on('error', () => undefined);
  try {
    // Brings an older SQLite file to the latest schema first, so both sides have the same columns.
    await openSqliteStore({ dir, now: Date.now, log: silentLogger() }).close();
    const sqlite = new Database(file, { readonly: true });
    try {
      io.stderr(`copying ${file} into ${target}\n`);
      await migratePg(pool);
      const counts = await copySqliteToPg(sqlite, pool);
      if (values.json) io.stdout(`${JSON.stringify({ from: file, to: target, copied: counts }, null, 2)}\n`);
      else io.stdout(`copied into ${target}: ${COPIED_TABLES.map((t) => `${counts[t]} ${t.replace('_', ' ')}`).join(', ')}\nnow start the bridges with DATABASE_URL set to it\n`);
      return 0;
    } finally {
      sqlite.close();
    }
  } catch (err) {
    io.stderr(`bridge migrate: nothing was copied: ${errorMessage(err)}\n`);
    return 1;
  } finally {
    await pool.end().catch(() => undefined);
    locked.lock.release();
  }
}
