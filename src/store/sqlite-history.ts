import type { Database } from 'better-sqlite3';

export interface HistoryPrunerOptions {
  readonly now: () => number;
  /** Ids are remembered this long after the event was received, even once the event is deleted. */
  readonly dedupeWindowMs: number;
}

/**
 * Deletes history older than the retention: events received before `cutoff` that are planned and
 * none of whose jobs is still live (pending or running) and that have no item in a digest window
 * still open (the digest's job hangs on its newest item's event), with their jobs and decisions. SQLite gives
 * a new row the largest seq + 1, so after deleting the newest events the planner's cursor comes down
 * to the newest one left: a new event's seq is never behind it. At most `limit` events per call, so a large
 * backlog is deleted in short transactions between requests rather than one long one. An event
 * deleted before its dedupe window has ended leaves its id in `dedupe`, so a late redelivery of it
 * still fires nothing.
 */
export function createHistoryPruner(db: Database, opts: HistoryPrunerOptions): (cutoff: number, limit?: number) => number {
  const oldEvents = db.prepare<[number, number], { seq: number; id: string; received_at: number }>(
    `SELECT e.seq, e.id, e.received_at FROM events e WHERE e.received_at < ?
       AND e.seq <= (SELECT planned_seq FROM planner)
       AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.event_seq = e.seq AND j.status IN ('pending', 'running'))
       AND NOT EXISTS (SELECT 1 FROM digest_items d WHERE d.event_seq = e.seq)
     ORDER BY e.received_at LIMIT ?`,
  );
  const deleteJobs = db.prepare('DELETE FROM jobs WHERE event_seq = ?');
  const deleteEvent = db.prepare('DELETE FROM events WHERE seq = ?');
  const deleteDecision = db.prepare('DELETE FROM decisions WHERE event_seq = ?');
  const remember = db.prepare(
    `INSERT INTO dedupe (key, event_id, seen_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET seen_at = MAX(seen_at, excluded.seen_at)`,
  );
  const lowerCursor = db.prepare('UPDATE planner SET planned_seq = MIN(planned_seq, COALESCE((SELECT MAX(seq) FROM events), 0))');
  const prune = db.transaction((cutoff: number, limit: number) => {
    const rememberAfter = opts.now() - opts.dedupeWindowMs;
    const events = oldEvents.all(cutoff, limit);
    for (const e of events) {
      deleteJobs.run(e.seq);
      deleteEvent.run(e.seq);
      deleteDecision.run(e.seq);
      if (e.received_at > rememberAfter) remember.run(e.id, e.id, e.received_at);
    }
    if (events.length > 0) lowerCursor.run();
    return events.length;
  });
  return (cutoff, limit = 500) => prune.immediate(cutoff, limit);
}
