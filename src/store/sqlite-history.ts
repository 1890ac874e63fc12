import type { Database } from 'better-sqlite3';

/**
 * Deletes history older than the retention: events received before `cutoff` none of whose jobs is
 * still live (pending or running), with their jobs. At most `limit` events per call, so a large
 * backlog is deleted in short transactions between requests rather than one long one.
 */
export function createHistoryPruner(db: Database): (cutoff: number, limit?: number) => number {
  const oldEvents = db.prepare<[number, number], { id: string }>(
    `SELECT e.id FROM events e WHERE e.received_at < ?
       AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.event_id = e.id AND j.status IN ('pending', 'running'))
     ORDER BY e.received_at LIMIT ?`,
  );
  const deleteJobs = db.prepare('DELETE FROM jobs WHERE event_id = ?');
  const deleteEvent = db.prepare('DELETE FROM events WHERE id = ?');
  const prune = db.transaction((cutoff: number, limit: number) => {
    const ids = oldEvents.all(cutoff, limit);
    for (const { id } of ids) {
      deleteJobs.run(id);
      deleteEvent.run(id);
    }
    return ids.length;
  });
  return (cutoff, limit = 500) => prune.immediate(cutoff, limit);
}
