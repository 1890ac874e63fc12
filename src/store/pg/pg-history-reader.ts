import type pg from 'pg';
import type { HistoryReader, PlannedJobRef } from '../history-reader.js';
import { toStoredEvent, type EventRow } from '../sqlite-rows.js';

/** HistoryReader on PostgreSQL: one indexed range scan on events.received_at each. */
export function createPgHistoryReader(pool: pg.Pool): HistoryReader {
  return {
    async eventsBetween(since, until) {
      const { rows } = await pool.query<EventRow>(
        'SELECT seq, id, type, name, payload, rules_version, received_at, headers FROM events WHERE received_at >= $1 AND received_at < $2 ORDER BY seq',
        [since, until],
      );
      return rows.map(toStoredEvent);
    },
    async jobsBetween(since, until) {
      const { rows } = await pool.query<{ event_id: string; rule: string; destination: string }>(
        `SELECT j.event_id, j.rule, j.destination FROM events e JOIN jobs j ON j.event_seq = e.seq
         WHERE e.received_at >= $1 AND e.received_at < $2 AND j.replay_of IS NULL ORDER BY e.seq, j.seq`,
        [since, until],
      );
      return rows.map((r): PlannedJobRef => ({ eventId: r.event_id, rule: r.rule, destination: r.destination }));
    },
  };
}
