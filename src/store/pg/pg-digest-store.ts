import type pg from 'pg';
import type { Json } from '../../events/event.js';
import type { DigestStore, DigestWindowRef, StoredDigestItem } from '../digest-store.js';
import { inTransaction } from './pg-pool.js';
import { fromPgText, toPgText } from './pg-text.js';
import { notify } from './pg-listener.js';

interface WindowRow {
  rule: string;
  key: string;
  window_start: number;
  window_end: number;
}

/**
 * DigestStore on PostgreSQL. A flush locks its window's items (FOR UPDATE) and deletes exactly
 * the items it read: a second bridge flushing the same window waits, then finds them gone and
 * sends nothing; an item a planner adds meanwhile stays for the window's next flush.
 */
export function createPgDigestStore(pool: pg.Pool): DigestStore {
  return {
    async oldestUnplannedAt() {
      const { rows } = await pool.query<{ at: number | null }>('SELECT MIN(received_at) AS at FROM events WHERE NOT planned');
      return rows[0]?.at ?? undefined;
    },
    async closedWindows(end, limit) {
      const { rows } = await pool.query<WindowRow>(
        `SELECT rule, key, MIN(window_start) AS window_start, window_end FROM digest_items WHERE window_end <= $1
         GROUP BY window_end, rule, key ORDER BY window_end, MIN(seq) LIMIT $2`,
        [end, limit],
      );
      return rows.map((r): DigestWindowRef => ({ rule: r.rule, key: fromPgText(r.key), windowStart: r.window_start, windowEnd: r.window_end }));
    },
    flushWindow: (w, render, now) =>
      inTransaction(pool, async (tx) => {
        const { rows } = await tx.query<{ seq: number; event_seq: number; event_id: string; item: string }>(
          'SELECT seq, event_seq, event_id, item FROM digest_items WHERE window_end = $1 AND rule = $2 AND key = $3 ORDER BY seq FOR UPDATE',
          [w.windowEnd, w.rule, toPgText(w.key)],
        );
        const newest = rows.at(-1);
        if (newest === undefined) return { items: 0, jobs: 0 };
        const jobs = render(rows.map((r): StoredDigestItem => ({ eventId: r.event_id, item: JSON.parse(r.item) as Json })));
        let inserted = 0;
        if (jobs.length > 0) {
          const r = await tx.query(
            `INSERT INTO jobs (id, event_seq, plan_key, event_id, rule, action_index, destination, kind, request,
               status, attempts, next_at, created_at, updated_at)
             SELECT u.id, $9, u.id, u.event_id, u.rule, u.action_index, u.destination, u.kind, u.request, 'pending', 0, u.next_at, $10, $10
             FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::bigint[])
                  WITH ORDINALITY AS u (id, event_id, rule, action_index, destination, kind, request, next_at, ord)
             ORDER BY u.ord
             ON CONFLICT (event_seq, id) DO NOTHING`,
            [
              jobs.map((j) => j.id), jobs.map((j) => j.eventId), jobs.map((j) => j.rule), jobs.map((j) => j.actionIndex),
              jobs.map((j) => j.destination), jobs.map((j) => j.kind), jobs.map((j) => JSON.stringify(j.request)),
              jobs.map((j) => j.dueAt ?? now), newest.event_seq, now,
            ],
          );
          inserted = r.rowCount ?? 0;
          if (inserted > 0) await notify(tx, 'jobs');
        }
        await tx.query('DELETE FROM digest_items WHERE seq = ANY($1::bigint[])', [rows.map((r) => r.seq)]);
        return { items: rows.length, jobs: inserted };
      }),
  };
}
