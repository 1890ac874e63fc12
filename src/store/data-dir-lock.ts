import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** The lock file beside the store, and the note saying who holds it. */
export const LOCK_FILE = 'bridge.lock';
const HOLDER_FILE = 'bridge.lock.json';

export interface DataDirLock {
  /** Lets the next process in (also done by the OS if this one dies, kill -9 included). */
  release(): void;
}

export type LockResult = { readonly ok: true; readonly lock: DataDirLock } | { readonly ok: false; readonly error: string };

/**
 * Makes this process the only one serving from `dir`: two bridges on one SQLite store would each
 * re-queue the other's running jobs at start-up. The lock is an exclusive SQLite lock on a small
 * file of its own (a POSIX advisory lock, or LockFileEx on Windows), held by a dedicated
 * connection for the process's life: the OS drops it when the process dies, so a crash leaves
 * nothing stale to clean up, unlike a pid file. Operator commands do not take it (WAL lets them
 * read and replay while the bridge runs).
 */
export function lockDataDir(dir: string, opts: { pid: number; now: () => number }): LockResult {
  mkdirSync(dir, { recursive: true });
  const db = new Database(join(dir, LOCK_FILE), { timeout: 0 });
  try {
    // EXCLUSIVE locking mode keeps the lock after the transaction, until the connection closes.
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS lock (x); COMMIT');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
    return { ok: false, error: `another bridge is serving from ${dir}${holderOf(dir)}; stop it first, or give this one its own DATA_DIR` };
  }
  writeFileSync(join(dir, HOLDER_FILE), `${JSON.stringify({ pid: opts.pid, since: new Date(opts.now()).toISOString() })}\n`);
  return { ok: true, lock: { release: () => db.close() } };
}

/** ` (pid 1234, since 2026-…)` from the holder's note, or nothing if it cannot be read. */
function holderOf(dir: string): string {
  try {
    const h = JSON.parse(readFileSync(join(dir, HOLDER_FILE), 'utf8')) as { pid?: unknown; since?: unknown };
    return typeof h.pid === 'number' && typeof h.since === 'string' ? ` (pid ${h.pid}, since ${h.since})` : '';
  } catch {
    return '';
  }
}
