import type pg from 'pg';
import type { HistoryPrunerOptions } from '../sqlite-history.js';
import { inTransaction } from './pg-pool.js';

/**
 * Deletes history older than the retention on PostgreSQL, as on SQLite (sqlite-history.ts):
 * events received before `cutoff` that are planned, none of whose jobs is live and none of whose
 * items waits in a digest window, with their jobs and decisions; at most `limit` per call. An
 * event deleted before its dedupe window has ended leaves its id in `dedupe`. SKIP LOCKED: two
 * bridges pruning at once take different events, and neither waits on a row a planner holds.
 */
export function createPgHistoryPruner(pool: pg.Pool, opts: HistoryPrunerOptions): (cutoff: number, limit?: number) => Promise<number> {
  return (cutoff, limit = 500) =>
    inTransaction(pool, async (tx) => {
      const rememberAfter = opts.now() - opts.dedupeWindowMs;
      const { rows } = await tx.query<{ seq: number; id: string; received_at: number }>(
        `SELECT e.seq, e.id, e.received_at FROM events e WHERE e.received_at < $1 AND e.planned
           AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.event_seq = e.seq AND j.status IN ('pending', 'running'))
           AND NOT EXISTS (SELECT 1 FROM digest_items d WHERE d.event_seq = e.seq)
         ORDER BY e.received_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [cutoff, limit],
      );
      if (rows.length === 0) return 0;
      const seqs = rows.map((r) => r.seq);
      await tx.query('DELETE FROM jobs WHERE event_seq = ANY($1::bigint[])', [seqs]);
      await tx.query('DELETE FROM decisions WHERE event_seq = ANY($1::bigint[])', [seqs]);
      await tx.query('DELETE FROM events WHERE seq = ANY($1::bigint[])', [seqs]);
      const remembered = rows.filter((r) => r.received_at > rememberAfter);
      if (remembered.length > 0) {
        await tx.query(
          `INSERT INTO dedupe (key, event_id, seen_at) SELECT u.id, u.id, u.at FROM unnest($1::text[], $2::bigint[]) AS u (id, at)
           ON CONFLICT (key) DO UPDATE SET seen_at = GREATEST(dedupe.seen_at, excluded.seen_at)`,
          [remembered.map((r) => r.id), remembered.map((r) => r.received_at)],
        );
      }
      return rows.length;
    });
}
