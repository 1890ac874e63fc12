import type { Database } from 'better-sqlite3';
import type { Lease, LeaseGrant, LeaseStore } from './lease-store.js';

/**
 * Leases on SQLite. One process owns the data directory (data-dir-lock.ts), so it takes every
 * lease at start; the table makes that explicit, lets `bridge status` show it, and gives both
 * engines one contract (test/store/contract). One IMMEDIATE transaction per call.
 */
export function createSqliteLeaseStore(db: Database): LeaseStore {
  const current = db.prepare<[string], { owner: string; expires_at: number }>('SELECT owner, expires_at FROM leases WHERE name = ?');
  const put = db.prepare<[string, string, number]>(
    `INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at`,
  );
  const drop = db.prepare<[string, string]>('DELETE FROM leases WHERE name = ? AND owner = ?');
  const all = db.prepare<[], { name: string; owner: string; expires_at: number }>('SELECT name, owner, expires_at FROM leases ORDER BY name');

  const acquire = db.transaction((names: readonly string[], owner: string, ttlMs: number, now: number): LeaseGrant => {
    const held: string[] = [];
    const taken: string[] = [];
    for (const name of new Set(names)) {
      const row = current.get(name);
      const mine = row !== undefined && row.owner === owner && row.expires_at > now;
      if (row !== undefined && !mine && row.expires_at > now) continue;
      put.run(name, owner, now + ttlMs);
      held.push(name);
      if (!mine) taken.push(name);
    }
    return { held, taken };
  });
  const release = db.transaction((names: readonly string[], owner: string) => {
    for (const name of names) drop.run(name, owner);
  });

  return {
    acquire: async (names, owner, ttlMs, now) => acquire.immediate(names, owner, ttlMs, now),
    release: async (names, owner) => void release.immediate(names, owner),
    list: async () => all.all().map((r): Lease => ({ name: r.name, owner: r.owner, expiresAt: r.expires_at })),
  };
}
