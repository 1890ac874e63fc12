import type pg from 'pg';
import type { NewJob } from '../store.js';
import { JOB_STATUSES, type JobStatus } from '../job-queue.js';
import type { DeliveryQueries, EventFilter, EventSummary, JobCounts, RequeueResult } from '../delivery-queries.js';
import { toDecision } from '../sqlite-planner-store.js';
import { toJob, toStoredEvent, type EventRow, type JobRow } from '../sqlite-rows.js';
import { eventIdOfJob } from '../job-id.js';
import { inTransaction } from './pg-pool.js';
import { notify } from './pg-listener.js';

type Row = EventRow & { d_rules_version: string | null; planned_at: number | null; summary: string | null; rules: string | null };
const EVENT_COLUMNS = 'e.seq, e.id, e.type, e.name, e.payload, e.rules_version, e.received_at, e.headers';

/** A rule decision of the event's recorded decision has this outcome. */
const decided = (outcome: string): string =>
  `EXISTS (SELECT 1 FROM jsonb_array_elements(d.rules::jsonb) r WHERE r ->> 'outcome' = '${outcome}')`;
const OUTCOME_CLAUSES: Record<NonNullable<EventFilter['outcome']>, string> = {
  matched: decided('matched'),
  suppressed: decided('suppressed'),
  no_match: `d.rules_version IS NOT NULL AND NOT ${decided('matched')}`,
  failed: `(${decided('error')} OR EXISTS (SELECT 1 FROM jobs j WHERE j.event_seq = e.seq AND j.status IN ('dead', 'ambiguous')))`,
};
/** One WHERE clause per filter field; `$` is replaced by the field's parameter. */
const CLAUSES: Record<Exclude<keyof EventFilter, 'outcome' | 'limit' | 'offset'>, string> = {
  status: 'e.seq IN (SELECT event_seq FROM jobs WHERE status = $)',
  type: 'e.type = $',
  user: "(lower((e.payload::jsonb) -> 'user' ->> 'email') = lower($) OR (e.payload::jsonb) -> 'user' ->> 'id' = $)",
  rule: "(EXISTS (SELECT 1 FROM jsonb_array_elements(d.rules::jsonb) r WHERE r ->> 'rule' = $) OR EXISTS (SELECT 1 FROM jobs j WHERE j.event_seq = e.seq AND j.rule = $))",
  since: 'e.received_at >= $',
  until: 'e.received_at < $',
};

const JOB_BY_ID = 'event_seq = (SELECT seq FROM events WHERE id = $1) AND id = $2';
const byId = (id: string): [string, string] => [eventIdOfJob(id) ?? '', id];

/** Operator queries and replays on PostgreSQL, as on SQLite (sqlite-delivery-queries.ts). */
export function createPgDeliveryQueries(pool: pg.Pool): DeliveryQueries {
  async function oneJob(q: pg.ClientBase | pg.Pool, id: string, lock = false): Promise<JobRow | undefined> {
    const { rows } = await q.query<JobRow>(`SELECT * FROM jobs WHERE ${JOB_BY_ID}${lock ? ' FOR UPDATE' : ''}`, byId(id));
    return rows[0];
  }

  /** Next free replay id: `${planKey}#r${n}`, n = how many jobs the plan key has had. */
  async function replayId(tx: pg.ClientBase, planKey: string): Promise<string> {
    const { rows } = await tx.query<{ n: number }>(
      'SELECT COUNT(*) AS n FROM jobs WHERE event_seq = (SELECT seq FROM events WHERE id = $1) AND plan_key = $2',
      byId(planKey),
    );
    let n = Math.max(1, rows[0]?.n ?? 0);
    while ((await oneJob(tx, `${planKey}#r${n}`)) !== undefined) n += 1;
    return `${planKey}#r${n}`;
  }

  /** Why a job cannot be replayed now, or undefined if it can. */
  async function notReplayable(tx: pg.ClientBase, row: JobRow): Promise<string | undefined> {
    if (row.status === 'pending' || row.status === 'running') return `already ${row.status}`;
    const { rows } = await tx.query<{ id: string }>('SELECT id FROM jobs WHERE replay_of = $1 ORDER BY seq DESC LIMIT 1', [row.id]);
    return rows[0] === undefined ? undefined : `already replayed as ${rows[0].id}`;
  }

  async function insertReplay(tx: pg.ClientBase, j: { id: string; planKey: string; eventId: string; rule: string; actionIndex: number; destination: string; kind: string; request: string; replayOf: string | null }, now: number): Promise<void> {
    await tx.query(
      `INSERT INTO jobs (id, event_seq, plan_key, event_id, rule, action_index, destination, kind, request,
         status, attempts, next_at, created_at, updated_at, replay_of)
       VALUES ($1, (SELECT seq FROM events WHERE id = $3), $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $9, $9, $9, $10)`,
      [j.id, j.planKey, j.eventId, j.rule, j.actionIndex, j.destination, j.kind, j.request, now, j.replayOf],
    );
  }

  return {
    async listEvents(opts = {}) {
      const values: unknown[] = [];
      const param = (v: unknown): string => {
        values.push(v);
        return `$${values.length}`;
      };
      const where: string[] = [];
      for (const k of Object.keys(CLAUSES) as (keyof typeof CLAUSES)[]) {
        const v = opts[k];
        if (v === undefined) continue;
        const p = param(v);
        where.push(CLAUSES[k].replaceAll('$', () => p));
      }
      if (opts.outcome !== undefined) where.push(OUTCOME_CLAUSES[opts.outcome]);
      const sql = `SELECT ${EVENT_COLUMNS}, d.rules_version AS d_rules_version, d.planned_at, d.summary, d.rules
        FROM events e LEFT JOIN decisions d ON d.event_seq = e.seq
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY e.received_at DESC, e.seq DESC LIMIT ${param(opts.limit ?? 50)} OFFSET ${param(opts.offset ?? 0)}`;
      const { rows: events } = await pool.query<Row>(sql, values);
      const { rows: jobRows } = events.length === 0
        ? { rows: [] as JobRow[] }
        : await pool.query<JobRow>('SELECT * FROM jobs WHERE event_seq = ANY($1::bigint[]) ORDER BY seq', [events.map((e) => e.seq)]);
      const jobs = jobRows.map(toJob);
      return events.map((e): EventSummary => ({
        id: e.id,
        type: e.type,
        name: e.name,
        rulesVersion: e.d_rules_version ?? e.rules_version,
        receivedAt: e.received_at,
        decision: e.d_rules_version === null ? null : toDecision({ rules_version: e.d_rules_version, planned_at: e.planned_at ?? 0, summary: e.summary ?? '', rules: e.rules ?? '[]' }),
        jobs: jobs.filter((j) => j.eventId === e.id),
      }));
    },
    async listDead(opts = {}) {
      const { rows } = await pool.query<JobRow>(
        `SELECT * FROM jobs j WHERE status = 'dead' AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.replay_of = j.id)
         ORDER BY updated_at DESC, seq DESC LIMIT $1`,
        [opts.limit ?? 100],
      );
      return rows.map(toJob);
    },
    async getJob(id) {
      const row = await oneJob(pool, id);
      return row === undefined ? undefined : toJob(row);
    },
    async getEvent(id) {
      const { rows } = await pool.query<EventRow>('SELECT seq, id, type, name, payload, rules_version, received_at, headers FROM events WHERE id = $1', [id]);
      return rows[0] === undefined ? undefined : toStoredEvent(rows[0]);
    },
    async jobsForEvent(eventId) {
      const { rows } = await pool.query<JobRow>('SELECT * FROM jobs WHERE event_seq = (SELECT seq FROM events WHERE id = $1) ORDER BY seq', [eventId]);
      return rows.map(toJob);
    },
    // The job replayed is locked first: two operators replaying it at once make one replay.
    requeue: (ids, now) =>
      inTransaction(pool, async (tx): Promise<RequeueResult> => {
        const requeued: { from: string | null; to: string }[] = [];
        const skipped: { id: string; reason: string }[] = [];
        for (const id of ids) {
          const row = await oneJob(tx, id, true);
          const why = row === undefined ? 'not found' : await notReplayable(tx, row);
          if (row === undefined || why !== undefined) {
            skipped.push({ id, reason: why ?? 'not found' });
            continue;
          }
          const to = await replayId(tx, row.plan_key);
          await insertReplay(tx, { id: to, planKey: row.plan_key, eventId: row.event_id, rule: row.rule, actionIndex: row.action_index, destination: row.destination, kind: row.kind, request: row.request, replayOf: row.id }, now);
          requeued.push({ from: row.id, to });
        }
        if (requeued.length > 0) await notify(tx, 'jobs');
        return { requeued, skipped };
      }),
    enqueueReplay: (jobs: readonly NewJob[], now: number) =>
      inTransaction(pool, async (tx): Promise<RequeueResult> => {
        const requeued: { from: string | null; to: string }[] = [];
        const skipped: { id: string; reason: string }[] = [];
        for (const j of jobs) {
          const { rows } = await tx.query<JobRow>(
            'SELECT * FROM jobs WHERE event_seq = (SELECT seq FROM events WHERE id = $1) AND plan_key = $2 ORDER BY seq DESC LIMIT 1 FOR UPDATE',
            byId(j.id),
          );
          const latest = rows[0];
          const why = latest === undefined ? undefined : await notReplayable(tx, latest);
          if (latest !== undefined && why !== undefined) {
            skipped.push({ id: latest.id, reason: why });
            continue;
          }
          const to = latest === undefined ? j.id : await replayId(tx, j.id);
          await insertReplay(tx, { id: to, planKey: j.id, eventId: j.eventId, rule: j.rule, actionIndex: j.actionIndex, destination: j.destination, kind: j.kind, request: JSON.stringify(j.request), replayOf: latest?.id ?? null }, now);
          requeued.push({ from: latest?.id ?? null, to });
        }
        if (requeued.length > 0) await notify(tx, 'jobs');
        return { requeued, skipped };
      }),
    async counts(): Promise<JobCounts> {
      const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
      const { rows } = await pool.query<{ status: JobStatus; n: number }>('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status');
      for (const r of rows) counts[r.status] = r.n;
      return counts;
    },
    async queueDepth() {
      const { rows } = await pool.query<{ destination: string; status: 'pending' | 'running'; n: number }>(
        "SELECT destination, status, COUNT(*) AS n FROM jobs WHERE status IN ('pending', 'running') GROUP BY destination, status",
      );
      const out: Record<string, { pending: number; running: number }> = {};
      for (const r of rows) (out[r.destination] ??= { pending: 0, running: 0 })[r.status] = r.n;
      return out;
    },
  };
}
