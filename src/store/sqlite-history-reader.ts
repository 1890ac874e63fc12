import type { Database } from 'better-sqlite3';
import type { HistoryReader, PlannedJobRef } from './history-reader.js';
import { toStoredEvent, type EventRow } from './sqlite-rows.js';

/** HistoryReader on SQLite: one indexed range scan on events.received_at each. */
export function createSqliteHistoryReader(db: Database): HistoryReader {
  const events = db.prepare<[number, number], EventRow>('SELECT * FROM events WHERE received_at >= ? AND received_at < ? ORDER BY seq');
  const jobs = db.prepare<[number, number], { event_id: string; rule: string; destination: string }>(
    `SELECT j.event_id, j.rule, j.destination FROM events e JOIN jobs j ON j.event_seq = e.seq
     WHERE e.received_at >= ? AND e.received_at < ? AND j.replay_of IS NULL ORDER BY e.seq, j.seq`,
  );
  return {
    eventsBetween: (since, until) => Promise.resolve(events.all(since, until).map(toStoredEvent)),
    jobsBetween: (since, until) =>
      Promise.resolve(jobs.all(since, until).map((r): PlannedJobRef => ({ eventId: r.event_id, rule: r.rule, destination: r.destination }))),
  };
}
