import type { Database } from 'better-sqlite3';
import type { Json } from '../events/event.js';
import type { DigestStore, DigestWindowRef, FlushedWindow, StoredDigestItem } from './digest-store.js';
import type { PlannedJob } from './planner-store.js';

interface WindowRow {
  rule: string;
  key: string;
  window_start: number;
  window_end: number;
}

/** DigestStore on SQLite: items in `digest_items`, found by (window_end, rule, key). */
export function createSqliteDigestStore(db: Database): DigestStore {
  const oldest = db.prepare<[], { at: number | null }>('SELECT MIN(received_at) AS at FROM events WHERE seq > (SELECT planned_seq FROM planner)');
  const closed = db.prepare<[number, number], WindowRow>(
    `SELECT rule, key, MIN(window_start) AS window_start, window_end FROM digest_items WHERE window_end <= ?
     GROUP BY window_end, rule, key ORDER BY window_end, MIN(seq) LIMIT ?`,
  );
  const items = db.prepare<[number, string, string], { seq: number; event_seq: number; event_id: string; item: string }>(
    'SELECT seq, event_seq, event_id, item FROM digest_items WHERE window_end = ? AND rule = ? AND key = ? ORDER BY seq',
  );
  const deleteItems = db.prepare('DELETE FROM digest_items WHERE window_end = ? AND rule = ? AND key = ?');
  const insertJob = db.prepare(
    `INSERT OR IGNORE INTO jobs (id, event_seq, plan_key, event_id, rule, action_index, destination, kind, request,
       status, attempts, next_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)`,
  );

  const flush = db.transaction((w: DigestWindowRef, render: (items: readonly StoredDigestItem[]) => readonly PlannedJob[], now: number): FlushedWindow => {
    const rows = items.all(w.windowEnd, w.rule, w.key);
    const newest = rows.at(-1);
    if (newest === undefined) return { items: 0, jobs: 0 };
    const jobs = render(rows.map((r): StoredDigestItem => ({ eventId: r.event_id, item: JSON.parse(r.item) as Json })));
    let inserted = 0;
    for (const j of jobs) {
      const due = j.dueAt ?? now;
      inserted += insertJob.run(j.id, newest.event_seq, j.id, j.eventId, j.rule, j.actionIndex, j.destination, j.kind, JSON.stringify(j.request), due, now, now).changes;
    }
    deleteItems.run(w.windowEnd, w.rule, w.key);
    return { items: rows.length, jobs: inserted };
  });

  return {
    oldestUnplannedAt: async () => oldest.get()?.at ?? undefined,
    closedWindows: async (end, limit) =>
      closed.all(end, limit).map((r): DigestWindowRef => ({ rule: r.rule, key: r.key, windowStart: r.window_start, windowEnd: r.window_end })),
    // IMMEDIATE: the planner's commits and operator commands wait for it, never interleave.
    flushWindow: async (w, render, now) => flush.immediate(w, render, now),
  };
}
