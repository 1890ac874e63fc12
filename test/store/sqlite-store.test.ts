import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../src/store/sqlite-store.js';
import { MIGRATIONS } from '../../src/store/sqlite-migrations.js';
import { openTemp, planAll, seed, storedEvent, tempDir } from './temp-store.js';

let dir: string;
let cleanup: () => void;
let t: number;
const clock = { now: () => t };
const open: SqliteStore[] = [];

function openStore(extra: Parameters<typeof openTemp>[2] = {}): SqliteStore {
  const s = openTemp(dir, clock, extra);
  open.push(s);
  return s;
}

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  t = 1_700_000_000_000;
});

afterEach(() => {
  for (const s of open.splice(0)) s.close();
  cleanup();
});

describe('openSqliteStore', () => {
  it('creates the directory and one file, in WAL mode, at the latest schema version', () => {
    const nested = join(dir, 'a', 'b');
    const store = openTemp(nested, clock);
    open.push(store);
    expect(store.file).toBe(join(nested, 'bridge.db'));
    expect(existsSync(store.file)).toBe(true);
    const peek = new Database(store.file, { readonly: true });
    expect(peek.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(peek.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    peek.close();
  });

  it('refuses a file from a newer bridge', () => {
    openStore().close();
    const raw = new Database(join(dir, 'bridge.db'));
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => openTemp(dir, clock)).toThrow(
      `database schema version ${MIGRATIONS.length + 1} is newer than this bridge knows (${MIGRATIONS.length})`,
    );
  });
});

describe('dedupe', () => {
  const peekKeys = (store: SqliteStore) => {
    const peek = new Database(store.file, { readonly: true });
    const keys = peek.prepare('SELECT key FROM dedupe ORDER BY key').pluck().all();
    peek.close();
    return keys;
  };

  // The behaviour (what is a duplicate, for how long) is the store contract's (contract/intake-contract.ts); this is how SQLite keeps it.
  it('keeps no key for a stored event, one for an event pruned inside the window, until pruneDedupe forgets it', async () => {
    const store = openStore({ dedupeWindowMs: 1000 });
    await store.accept(storedEvent('old', t));
    t += 600;
    await store.accept(storedEvent('new', t));
    await planAll(store, {}, t);
    expect(peekKeys(store)).toEqual([]);
    expect(await store.pruneHistory(t + 1)).toBe(2);
    expect(peekKeys(store)).toEqual(['new', 'old']);
    t += 500;
    expect(await store.pruneDedupe(t)).toBe(1);
    expect(peekKeys(store)).toEqual(['new']);
  });
});

describe('group commit', () => {
  it('commits requests of one event-loop turn in one transaction', async () => {
    const store = openStore();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => store.accept(storedEvent(`e${i}`))),
    );
    expect(results.every((r) => r === 'accepted')).toBe(true);
    expect(store.intakeStats()).toEqual({ commits: 1, items: 100, largestBatch: 100 });
  });

  it('caps a batch at 256 and commits the rest next', async () => {
    const store = openStore();
    await Promise.all(Array.from({ length: 300 }, (_, i) => store.accept(storedEvent(`e${i}`))));
    expect(store.intakeStats()).toEqual({ commits: 2, items: 300, largestBatch: 256 });
  });

  it("waits out another process's write transaction instead of failing the batch", async () => {
    const store = openStore();
    await store.accept(storedEvent('before'));
    // An operator command (another process) holds the write lock for 300 ms. A deferred
    // transaction would read first, then find its snapshot stale once that commits (SQLITE_BUSY,
    // the senders told 503); an IMMEDIATE one waits for the lock, then reads and writes.
    const hold = `const db = require('better-sqlite3')(process.argv[1]); db.exec('BEGIN IMMEDIATE');
      db.prepare("INSERT INTO state (scope, key, value) VALUES ('test', 'k', '1')").run();
      process.stdout.write('holding\\n'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300); db.exec('COMMIT');`;
    const child = spawn(process.execPath, ['-e', hold, join(dir, 'bridge.db')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = once(child, 'exit');
    await once(child.stdout, 'data');
    expect(await store.accept(storedEvent('during'))).toBe('accepted');
    expect(await exited).toEqual([0, null]);
    expect(store.intakeStats()).toEqual({ commits: 2, items: 2, largestBatch: 1 });
  });

  it('commits requests of different turns separately', async () => {
    const store = openStore();
    await store.accept(storedEvent('a'));
    await store.accept(storedEvent('b'));
    expect(store.intakeStats().commits).toBe(2);
  });

  it('handles duplicates inside one batch', async () => {
    const store = openStore();
    const results = await Promise.all([
      store.accept(storedEvent('e1')),
      store.accept(storedEvent('e1')),
      store.accept(storedEvent('e1')),
      store.accept(storedEvent('e2')),
    ]);
    expect(results).toEqual(['accepted', 'duplicate', 'duplicate', 'accepted']);
    expect(store.intakeStats().commits).toBe(1);
  });

  it('rejects every request of a batch whose commit fails, and stores none of it', async () => {
    const store = openStore();
    const other = new Database(store.file);
    other.exec(`CREATE TRIGGER boom BEFORE INSERT ON events WHEN NEW.id = 'bad'
                BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`);
    other.close();
    const batch = [
      store.accept(storedEvent('good')),
      store.accept(storedEvent('bad')),
    ];
    const settled = await Promise.allSettled(batch);
    expect(settled.map((s) => (s.status === 'rejected' ? (s.reason as Error).message : s.value))).toEqual([
      'disk on fire',
      'disk on fire',
    ]);
    expect(await store.deliveries.getEvent('good')).toBeUndefined();
    // Nothing of the batch was stored, so the sender's retry is accepted.
    expect(await store.accept(storedEvent('good'))).toBe('accepted');
  });

  it('reports not writable after a failed commit, until one succeeds, and once closed', async () => {
    const store = openTemp(dir, clock);
    expect(store.writable()).toBe(true);
    const other = new Database(store.file);
    other.exec(`CREATE TRIGGER boom BEFORE INSERT ON events WHEN NEW.id = 'bad'
                BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`);
    other.close();
    await expect(store.accept(storedEvent('bad'))).rejects.toThrow('disk on fire');
    expect(store.writable()).toBe(false);
    await store.accept(storedEvent('good'));
    expect(store.writable()).toBe(true);
    store.close();
    expect(store.writable()).toBe(false);
  });

  it('calls onAccepted once per commit that stored something', async () => {
    const calls: number[] = [];
    const store = openStore({ onAccepted: (n) => calls.push(n) });
    await Promise.all([
      store.accept(storedEvent('a')),
      store.accept(storedEvent('b')),
      store.accept(storedEvent('a')),
    ]);
    await store.accept(storedEvent('a'));
    expect(calls).toEqual([2]);
  });
});

describe('settling jobs', () => {
  const statuses = (file: string) => {
    const peek = new Database(file, { readonly: true });
    const rows = peek.prepare('SELECT id, status FROM jobs ORDER BY id').all();
    peek.close();
    return rows;
  };

  it('commits the settles still waiting for their shared commit when it closes', async () => {
    const store = openTemp(dir, clock);
    const ids = await seed(store, 'e1', [{}, {}, {}]);
    expect(await store.queue.claimDue(t, 10)).toHaveLength(3);
    // Three calls finishing in the same turn; the store closes before their shared commit would run.
    const settled = [
      store.queue.settle([{ id: ids[0] as string, to: 'done', ref: 'r0' }], t),
      store.queue.settle([{ id: ids[1] as string, to: 'dead', reason: 'refused' }], t),
      store.queue.settle([{ id: ids[2] as string, to: 'retry', at: t + 1000, reason: 'later' }], t),
    ];
    store.close();
    await expect(Promise.all(settled)).resolves.toEqual([undefined, undefined, undefined]);
    expect(statuses(store.file)).toEqual([
      { id: ids[0], status: 'done' },
      { id: ids[1], status: 'dead' },
      { id: ids[2], status: 'pending' },
    ]);
  });

  it('settles of one turn share one transaction: if it fails, none of them is stored', async () => {
    const store = openStore();
    const ids = await seed(store, 'e1', [{}, {}, {}]);
    await store.queue.claimDue(t, 10);
    const other = new Database(store.file);
    other.exec(`CREATE TRIGGER boom BEFORE UPDATE ON jobs WHEN NEW.id = '${ids[1] as string}' AND NEW.status = 'dead'
                BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`);
    other.close();
    const settled = await Promise.allSettled([
      store.queue.settle([{ id: ids[0] as string, to: 'done' }], t),
      store.queue.settle([{ id: ids[1] as string, to: 'dead', reason: 'refused' }], t),
      store.queue.settle([{ id: ids[2] as string, to: 'done' }], t),
    ]);
    expect(settled.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok'))).toEqual(['disk on fire', 'disk on fire', 'disk on fire']);
    // Still running: each runs again when its lease expires, as after a crash before the commit.
    expect(statuses(store.file).map((r) => (r as { status: string }).status)).toEqual(['running', 'running', 'running']);
  });
});
