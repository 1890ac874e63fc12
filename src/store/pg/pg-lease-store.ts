import type pg from 'pg';
import type { Lease, LeaseStore } from '../lease-store.js';
import { inTransaction } from './pg-pool.js';

/**
 * Leases on PostgreSQL, shared by every bridge process on the database. One transaction per call:
 * the rows asked for are locked first (what this owner held before, to tell renewed from taken),
 * then one upsert renews this owner's and takes free or expired ones. Two processes asking for the
 * same free name at once both insert; the second waits on the first's row, then finds it held and
 * not expired, and leaves it (the upsert's WHERE).
 */
export function createPgLeaseStore(pool: pg.Pool): LeaseStore {
  return {
    acquire: (names, owner, ttlMs, now) =>
      inTransaction(pool, async (c) => {
        const unique = [...new Set(names)];
        if (unique.length === 0) return { held: [], taken: [] };
        const before = await c.query<{ name: string }>(
          'SELECT name FROM leases WHERE name = ANY($1) AND owner = $2 AND expires_at > $3 FOR UPDATE',
          [unique, owner, now],
        );
        const { rows } = await c.query<{ name: string }>(
          `INSERT INTO leases (name, owner, expires_at) SELECT n, $2, $3 FROM unnest($1::text[]) AS n
           ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
           WHERE leases.owner = excluded.owner OR leases.expires_at <= $4
           RETURNING name`,
          [unique, owner, now + ttlMs, now],
        );
        const renewed = new Set(before.rows.map((r) => r.name));
        const held = unique.filter((n) => rows.some((r) => r.name === n));
        return { held, taken: held.filter((n) => !renewed.has(n)) };
      }),
    release: async (names, owner) => {
      if (names.length > 0) await pool.query('DELETE FROM leases WHERE name = ANY($1) AND owner = $2', [[...names], owner]);
    },
    list: async () => {
      const { rows } = await pool.query<{ name: string; owner: string; expires_at: number }>('SELECT name, owner, expires_at FROM leases ORDER BY name');
      return rows.map((r): Lease => ({ name: r.name, owner: r.owner, expiresAt: r.expires_at }));
    },
  };
}
