import type { Database } from 'better-sqlite3';
import type { Json } from '../events/event.js';
import type { EventDecision, PlanCommit, PlannedEvent, PlannerStore, StateRecord, UnplannedEvent } from './planner-store.js';
import type { EventRow } from './sqlite-rows.js';
import { toStoredEvent } from './sqlite-rows.js';

interface StateRow {
  scope: string;
  key: string;
  value: string;
  expires_at: number | null;
}

interface DecisionRow {
  rules_version: string;
  planned_at: number;
  summary: string;
  rules: string;
}

/**
 * The planner's store on SQLite. Unplanned events are those after the cursor `planner.planned_seq`:
 * SQLite has one writer, so `seq` order is commit order and no event can appear behind the cursor
 * once it has moved past. (History pruning, deleting the newest events, lowers the cursor to the
 * newest one left, so a new event's seq, one past the largest, is always after it.)
 */
export function createSqlitePlannerStore(db: Database): PlannerStore {
  const after = db.prepare<[number], EventRow>(
    'SELECT * FROM events WHERE seq > (SELECT planned_seq FROM planner) ORDER BY seq LIMIT ?',
  );
  const cursor = db.prepare<[], { planned_seq: number }>('SELECT planned_seq FROM planner');
  const between = db.prepare<[number, number], { seq: number }>('SELECT seq FROM events WHERE seq > ? AND seq <= ? ORDER BY seq');
  const moveCursor = db.prepare('UPDATE planner SET planned_seq = ? WHERE planned_seq = ?');
  const readState = db.prepare<[string], StateRow>(
    `SELECT s.scope, s.key, s.value, s.expires_at FROM json_each(?) j
     JOIN state s ON s.scope = json_extract(j.value, '$[0]') AND s.key = json_extract(j.value, '$[1]')`,
  );
  const upsertState = db.prepare(
    `INSERT INTO state (scope, key, value, expires_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
  );
  const insertJob = db.prepare(
    `INSERT INTO jobs (id, event_seq, plan_key, event_id, rule, action_index, destination, kind, request,
       status, attempts, next_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)`,
  );
  const insertDecision = db.prepare(
    'INSERT INTO decisions (event_seq, rules_version, planned_at, summary, rules) VALUES (?, ?, ?, ?, ?)',
  );
  const decisionOf = db.prepare<[string], DecisionRow>(
    'SELECT d.* FROM decisions d WHERE d.event_seq = (SELECT seq FROM events WHERE id = ?)',
  );
  const unplannedCount = db.prepare<[], { n: number }>(
    'SELECT COUNT(*) AS n FROM events WHERE seq > (SELECT planned_seq FROM planner)',
  );
  const expired = db.prepare(
    'DELETE FROM state WHERE (scope, key) IN (SELECT scope, key FROM state WHERE expires_at <= ? LIMIT ?)',
  );

  const scopeRows = db.prepare<[string], StateRow>('SELECT scope, key, value, expires_at FROM state WHERE scope = ?');
  const eventsAt = db.prepare<[string], EventRow>('SELECT e.* FROM json_each(?) j JOIN events e ON e.seq = j.value ORDER BY e.seq');
  const replaceDecision = db.prepare('UPDATE decisions SET summary = ?, rules = ? WHERE event_seq = ?');
  const deleteState = db.prepare('DELETE FROM state WHERE scope = ? AND key = ?');

  const insertItem = db.prepare(
    `INSERT INTO digest_items (rule, key, window_start, window_end, event_seq, event_id, item, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );

  const insertJobs = (e: PlannedEvent, now: number): void => {
    for (const j of e.jobs) {
      const due = j.dueAt ?? now;
      insertJob.run(j.id, e.seq, j.id, j.eventId, j.rule, j.actionIndex, j.destination, j.kind, JSON.stringify(j.request), due, now, now);
    }
    for (const d of e.digestItems ?? []) insertItem.run(d.rule, d.key, d.windowStart, d.windowEnd, e.seq, e.eventId, JSON.stringify(d.item), now);
  };

  const commit = db.transaction((batch: PlanCommit) => {
    const { events, now } = batch;
    const first = events[0];
    const last = events[events.length - 1];
    const from = cursor.get()?.planned_seq ?? 0;
    // Every event from the cursor to the batch's last one, each once: else another planner ran, or
    // the batch skipped one. Either way nothing of it is stored. (The messages are the PostgreSQL
    // store's too: the contract suite holds both to them.)
    if (first !== undefined && last !== undefined) {
      const stored = first.seq <= from ? [] : between.all(from, last.seq).map((r) => r.seq);
      const inBatch = new Set(events.map((e) => e.seq));
      const passedOver = stored.find((seq) => !inBatch.has(seq));
      if (passedOver !== undefined) throw new Error(`plan batch ${first.seq}..${last.seq} passes over unplanned event ${passedOver}`);
      if (first.seq <= from || stored.length !== events.length || inBatch.size !== events.length) {
        throw new Error(`plan batch ${first.seq}..${last.seq} holds an event that is planned already or not stored`);
      }
    }
    for (const e of events) {
      insertJobs(e, now);
      const d = e.decision;
      insertDecision.run(e.seq, d.rulesVersion, d.plannedAt, d.summary, JSON.stringify(d.rules));
    }
    for (const e of batch.replanned ?? []) {
      insertJobs(e, now);
      replaceDecision.run(e.decision.summary, JSON.stringify(e.decision.rules), e.seq);
    }
    for (const s of batch.state) upsertState.run(s.scope, s.key, JSON.stringify(s.value), s.expiresAt);
    for (const k of batch.deleted ?? []) deleteState.run(k.scope, k.key);
    if (last !== undefined) moveCursor.run(last.seq, from);
  });

  return {
    unplanned: (limit) => Promise.resolve(after.all(limit).map((row): UnplannedEvent => ({ ...toStoredEvent(row), seq: row.seq }))),
    readState(keys) {
      if (keys.length === 0) return Promise.resolve([]);
      const rows = readState.all(JSON.stringify(keys.map((k) => [k.scope, k.key])));
      return Promise.resolve(rows.map((r): StateRecord => ({ scope: r.scope, key: r.key, value: JSON.parse(r.value) as Json, expiresAt: r.expires_at })));
    },
    readScope: async (scope) => scopeRows.all(scope).map((r): StateRecord => ({ scope: r.scope, key: r.key, value: JSON.parse(r.value) as Json, expiresAt: r.expires_at })),
    eventsAt: async (seqs) => (seqs.length === 0 ? [] : eventsAt.all(JSON.stringify(seqs)).map((row): UnplannedEvent => ({ ...toStoredEvent(row), seq: row.seq }))),
    commitPlans(batch) {
      try {
        // IMMEDIATE: an operator command writing from another process waits for this, not the reverse.
        commit.immediate(batch);
        return Promise.resolve();
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
    // async: a closed store rejects, as the contract promises, instead of throwing at the caller.
    async decisionOf(eventId) {
      const row = decisionOf.get(eventId);
      return row === undefined ? undefined : toDecision(row);
    },
    unplannedCount: async () => unplannedCount.get()?.n ?? 0,
    pruneState: async (now, limit = 1000) => expired.run(now, limit).changes,
  };
}

export function toDecision(row: DecisionRow): EventDecision {
  return { rulesVersion: row.rules_version, plannedAt: row.planned_at, summary: row.summary, rules: JSON.parse(row.rules) as EventDecision['rules'] };
}
