import type pg from 'pg';
import type { Json } from '../../events/event.js';
import type { PlanCommit, PlannedEvent, PlannerStore, StateRecord, UnplannedEvent } from '../planner-store.js';
import { toDecision } from '../sqlite-planner-store.js';
import { toStoredEvent, type EventRow } from '../sqlite-rows.js';
import type { PlannerLock } from './pg-planner-lock.js';
import { inTransaction } from './pg-pool.js';
import { fromPgText, toPgText } from './pg-text.js';
import { notify } from './pg-listener.js';

interface StateRow {
  scope: string;
  key: string;
  value: string;
  expires_at: number | null;
}

const toState = (r: StateRow): StateRecord => ({ scope: r.scope, key: fromPgText(r.key), value: JSON.parse(r.value) as Json, expiresAt: r.expires_at });
const toUnplanned = (row: EventRow): UnplannedEvent => ({ ...toStoredEvent(row), seq: row.seq });
const EVENT_COLUMNS = 'seq, id, type, name, payload, rules_version, received_at, headers';

/**
 * The planner's store on PostgreSQL. Unplanned events are those not yet marked `planned` (see
 * pg-migrations.ts for why not a cursor): one committed late with a lower seq than events
 * already planned is simply the next one found. Only the holder of the planner lock plans; the
 * others' `unplanned` finds nothing, and their planners poll until the holder goes away.
 *
 * A commit refuses a batch holding an event that is planned already (or absent), and one that
 * leaves out an event this store's last `unplanned` read offered before the batch's last event:
 * the contract's "never twice, never passed over". An event that committed after that read is
 * not passed over by leaving it out: its mark still says unplanned, so the next read finds it.
 */
export function createPgPlannerStore(pool: pg.Pool, lock: PlannerLock): PlannerStore {
  /** The seqs the last `unplanned` read returned. */
  let offered = new Set<number>();

  async function insertJobs(tx: pg.ClientBase, events: readonly PlannedEvent[], now: number): Promise<void> {
    const jobs = events.flatMap((e) => e.jobs.map((j) => ({ e, j })));
    if (jobs.length > 0) {
      await tx.query(
        `INSERT INTO jobs (id, event_seq, plan_key, event_id, rule, action_index, destination, kind, request,
           status, attempts, next_at, created_at, updated_at)
         SELECT u.id, u.event_seq, u.id, u.event_id, u.rule, u.action_index, u.destination, u.kind, u.request, 'pending', 0, u.next_at, $10, $10
         FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::bigint[])
              WITH ORDINALITY AS u (id, event_seq, event_id, rule, action_index, destination, kind, request, next_at, ord)
         ORDER BY u.ord`,
        [
          jobs.map(({ j }) => j.id), jobs.map(({ e }) => e.seq), jobs.map(({ j }) => j.eventId), jobs.map(({ j }) => j.rule),
          jobs.map(({ j }) => j.actionIndex), jobs.map(({ j }) => j.destination), jobs.map(({ j }) => j.kind),
          jobs.map(({ j }) => JSON.stringify(j.request)), jobs.map(({ j }) => j.dueAt ?? now), now,
        ],
      );
    }
    const items = events.flatMap((e) => (e.digestItems ?? []).map((d) => ({ e, d })));
    if (items.length > 0) {
      await tx.query(
        `INSERT INTO digest_items (rule, key, window_start, window_end, event_seq, event_id, item, created_at)
         SELECT u.rule, u.key, u.window_start, u.window_end, u.event_seq, u.event_id, u.item, $8
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::text[])
              WITH ORDINALITY AS u (rule, key, window_start, window_end, event_seq, event_id, item, ord)
         ORDER BY u.ord`,
        [
          items.map(({ d }) => d.rule), items.map(({ d }) => toPgText(d.key)), items.map(({ d }) => d.windowStart), items.map(({ d }) => d.windowEnd),
          items.map(({ e }) => e.seq), items.map(({ e }) => e.eventId), items.map(({ d }) => JSON.stringify(d.item)), now,
        ],
      );
    }
  }

  async function commit(tx: pg.ClientBase, batch: PlanCommit): Promise<void> {
    const { events, now } = batch;
    await lock.assertHeld(tx);
    const first = events[0];
    const last = events[events.length - 1];
    if (first !== undefined && last !== undefined) {
      const seqs = events.map((e) => e.seq);
      const marked = await tx.query('UPDATE events SET planned = true WHERE seq = ANY($1::bigint[]) AND NOT planned', [seqs]);
      if (marked.rowCount !== new Set(seqs).size || seqs.length !== new Set(seqs).size) {
        throw new Error(`plan batch ${first.seq}..${last.seq} holds an event that is planned already or not stored`);
      }
      const inBatch = new Set(seqs);
      const skipped = await tx.query<{ seq: number }>('SELECT seq FROM events WHERE NOT planned AND seq < $1 ORDER BY seq', [last.seq]);
      const passedOver = skipped.rows.find((r) => offered.has(r.seq) && !inBatch.has(r.seq));
      if (passedOver !== undefined) throw new Error(`plan batch ${first.seq}..${last.seq} passes over unplanned event ${passedOver.seq}`);
      await tx.query(
        `INSERT INTO decisions (event_seq, rules_version, planned_at, summary, rules)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[])`,
        [seqs, events.map((e) => e.decision.rulesVersion), events.map((e) => e.decision.plannedAt), events.map((e) => e.decision.summary), events.map((e) => JSON.stringify(e.decision.rules))],
      );
    }
    await insertJobs(tx, events, now);
    const replanned = batch.replanned ?? [];
    await insertJobs(tx, replanned, now);
    // Heard by every bridge at the commit: the lane owners' dispatchers wake (pg-listener.ts).
    if ([...events, ...replanned].some((e) => e.jobs.length > 0)) await notify(tx, 'jobs');
    for (const e of replanned) {
      await tx.query('UPDATE decisions SET summary = $1, rules = $2 WHERE event_seq = $3', [e.decision.summary, JSON.stringify(e.decision.rules), e.seq]);
    }
    if (batch.state.length > 0) {
      // One row per key: the last record of a key in the batch wins, as sequential upserts would.
      const byKey = new Map(batch.state.map((s) => [`${s.scope}\0${s.key}`, s]));
      const state = [...byKey.values()];
      await tx.query(
        `INSERT INTO state (scope, key, value, expires_at) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
         ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
        [state.map((s) => s.scope), state.map((s) => toPgText(s.key)), state.map((s) => JSON.stringify(s.value)), state.map((s) => s.expiresAt)],
      );
    }
    const deleted = batch.deleted ?? [];
    if (deleted.length > 0) {
      await tx.query(
        'DELETE FROM state s USING unnest($1::text[], $2::text[]) AS k (scope, key) WHERE s.scope = k.scope AND s.key = k.key',
        [deleted.map((k) => k.scope), deleted.map((k) => toPgText(k.key))],
      );
    }
  }

  return {
    async unplanned(limit) {
      if (!(await lock.acquire())) {
        offered = new Set();
        return [];
      }
      const { rows } = await pool.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE NOT planned ORDER BY seq LIMIT $1`, [limit]);
      offered = new Set(rows.map((r) => r.seq));
      return rows.map(toUnplanned);
    },
    async readState(keys) {
      if (keys.length === 0) return [];
      const { rows } = await pool.query<StateRow>(
        `SELECT s.scope, s.key, s.value, s.expires_at FROM state s
         JOIN unnest($1::text[], $2::text[]) AS k (scope, key) ON s.scope = k.scope AND s.key = k.key`,
        [keys.map((k) => k.scope), keys.map((k) => toPgText(k.key))],
      );
      return rows.map(toState);
    },
    async readScope(scope) {
      const { rows } = await pool.query<StateRow>('SELECT scope, key, value, expires_at FROM state WHERE scope = $1', [scope]);
      return rows.map(toState);
    },
    async eventsAt(seqs) {
      if (seqs.length === 0) return [];
      const { rows } = await pool.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE seq = ANY($1::bigint[]) ORDER BY seq`, [seqs]);
      return rows.map(toUnplanned);
    },
    async commitPlans(batch) {
      // Held already after `unplanned`; a commit without a read first (state only) takes it here.
      await lock.acquire();
      await inTransaction(pool, (tx) => commit(tx, batch));
    },
    async decisionOf(eventId) {
      const { rows } = await pool.query<{ rules_version: string; planned_at: number; summary: string; rules: string }>(
        'SELECT d.rules_version, d.planned_at, d.summary, d.rules FROM decisions d JOIN events e ON e.seq = d.event_seq WHERE e.id = $1',
        [eventId],
      );
      const row = rows[0];
      return row === undefined ? undefined : toDecision(row);
    },
    async unplannedCount() {
      const { rows } = await pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM events WHERE NOT planned');
      return rows[0]?.n ?? 0;
    },
    async pruneState(now, limit = 1000) {
      const r = await pool.query(
        'DELETE FROM state WHERE (scope, key) IN (SELECT scope, key FROM state WHERE expires_at <= $1 LIMIT $2)',
        [now, limit],
      );
      return r.rowCount ?? 0;
    },
  };
}
