import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startWalCheckpointer, type CheckpointResult } from '../../src/store/wal-checkpointer.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { silentLogger } from '../../src/log.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'ckpt-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A WAL database whose automatic checkpoint is off, with `rows` rows written into its WAL. */
function walDb(file: string, rows: number): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (x TEXT)');
  const insert = db.prepare('INSERT INTO t (x) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run('x'.repeat(500));
  })();
  return db;
}

describe('startWalCheckpointer', () => {
  it('copies the WAL into the database file from its worker, and stops on close', async () => {
    const file = join(tempDir(), 'a.db');
    const db = walDb(file, 2000);
    const before = statSync(file).size;
    const seen: CheckpointResult[] = [];
    const done = new Promise<void>((resolve) => {
      const c = startWalCheckpointer({
        file,
        intervalMs: 20,
        onCheckpoint: (r) => {
          seen.push(r);
          if (r.log > 0 && r.checkpointed === r.log) void c.close().then(resolve);
        },
        onFailed: (err) => {
          throw err;
        },
      });
    });
    await done;
    expect(seen.at(-1)?.busy).toBe(0);
    // ~1 MB of rows: in the database file now, not only in the WAL.
    expect(statSync(file).size).toBeGreaterThan(before + 900_000);
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 2000 });
    db.close();
  });

  it('reports a worker that cannot open the file', async () => {
    const failed = await new Promise<Error>((resolve) => {
      startWalCheckpointer({ file: join(tempDir(), 'missing', 'a.db'), onFailed: resolve });
    });
    expect(failed.message).toBe('Cannot open database because the directory does not exist');
  });
});

describe('openSqliteStore with checkpointInWorker', () => {
  it('checkpoints beside the writer and closes with its worker', async () => {
    const dir = tempDir();
    const store = openSqliteStore({ dir, now: () => 1_000, log: silentLogger(), checkpointInWorker: { intervalMs: 20 } });
    for (let i = 0; i < 50; i++) {
      await store.accept({ id: `e${i}`, type: 'user.visited', name: 'User Visits Server', payload: '{}', rulesVersion: 'v1', receivedAt: 1_000 });
    }
    while (store.walCheckpoints() === 0) await new Promise((r) => setTimeout(r, 10));
    await store.close();
    const again = openSqliteStore({ dir, now: () => 1_000, log: silentLogger() });
    expect(await again.planner.unplannedCount()).toBe(50);
    await again.close();
  });
});
