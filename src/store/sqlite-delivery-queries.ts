import type { Database } from 'better-sqlite3';
import type { NewJob } from './store.js';
import { JOB_STATUSES, type JobStatus } from './job-queue.js';
import type { DeliveryQueries, EventFilter, EventSummary, JobCounts, RequeueResult } from './delivery-queries.js';
import { toDecision } from './sqlite-planner-store.js';
import { JOB_BY_ID, jobKey, toJob, toStoredEvent, type EventRow, type JobRow } from './sqlite-rows.js';

/** Operator queries and replays on SQLite (see DeliveryQueries for the replay model); synchronous inside, so each answer is a settled promise. */
export function createSqliteDeliveryQueries(db: Database): DeliveryQueries {
  type Row = EventRow & { d_rules_version: string | null; planned_at: number | null; summary: string | null; rules: string | null };
  const WITH_DECISION = `SELECT e.*, d.rules_version AS d_rules_version, d.planned_at, d.summary, d.rules
    FROM events e LEFT JOIN decisions d ON d.event_seq = e.seq`;
  // One WHERE clause per filter field; a statement per combination, prepared once.
  const decided = (outcome: string) => `EXISTS (SELECT 1 FROM json_each(d.rules) r WHERE json_extract(r.value, '$.outcome') = '${outcome}')`;
  const CLAUSES: Record<Exclude<keyof EventFilter, 'outcome' | 'limit' | 'offset'>, string> = {
    status: 'e.seq IN (SELECT event_seq FROM jobs WHERE status = @status)',
    type: 'e.type = @type',
    user: "(lower(json_extract(e.payload, '$.user.email')) = lower(@user) OR CAST(json_extract(e.payload, '$.user.id') AS TEXT) = @user)",
    rule: "(EXISTS (SELECT 1 FROM json_each(d.rules) r WHERE json_extract(r.value, '$.rule') = @rule) OR EXISTS (SELECT 1 FROM jobs j WHERE j.event_seq = e.seq AND j.rule = @rule))",
    since: 'e.received_at >= @since',
    until: 'e.received_at < @until',
  };
  const OUTCOME_CLAUSES: Record<NonNullable<EventFilter['outcome']>, string> = {
    matched: decided('matched'),
    suppressed: decided('suppressed'),
    no_match: `d.rules_version IS NOT NULL AND NOT ${decided('matched')}`,
    failed: `(${decided('error')} OR EXISTS (SELECT 1 FROM jobs j WHERE j.event_seq = e.seq AND j.status IN ('dead', 'ambiguous')))`,
  };
  const listStatements = new Map<string, ReturnType<typeof db.prepare<Record<string, string | number>, Row>>>();
  function listStatement(filter: EventFilter): ReturnType<typeof db.prepare<Record<string, string | number>, Row>> {
    const where = (Object.keys(CLAUSES) as (keyof typeof CLAUSES)[]).filter((k) => filter[k] !== undefined).map((k) => CLAUSES[k]);
    if (filter.outcome !== undefined) where.push(OUTCOME_CLAUSES[filter.outcome]);
    const sql = `${WITH_DECISION}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY e.received_at DESC, e.seq DESC LIMIT @limit OFFSET @offset`;
    let stmt = listStatements.get(sql);
    if (stmt === undefined) {
      stmt = db.prepare<Record<string, string | number>, Row>(sql);
      listStatements.set(sql, stmt);
    }
    return stmt;
  }
  const jobsOfEvents = db.prepare<[string], JobRow>(
    'SELECT * FROM jobs WHERE event_seq IN (SELECT value FROM json_each(?)) ORDER BY seq',
  );
  const dead = db.prepare<[number], JobRow>(
    `SELECT * FROM jobs j WHERE status = 'dead'
       AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.replay_of = j.id)
     ORDER BY updated_at DESC, seq DESC LIMIT ?`,
  );
  const oneJob = db.prepare<{ eventId: string; id: string }, JobRow>(`SELECT * FROM jobs WHERE ${JOB_BY_ID}`);
  const oneEvent = db.prepare<[string], EventRow>('SELECT * FROM events WHERE id = ?');
  const jobsOfEvent = db.prepare<[string], JobRow>(
    'SELECT * FROM jobs WHERE event_seq = (SELECT seq FROM events WHERE id = ?) ORDER BY seq',
  );
  const replayedAs = db.prepare<[string], { id: string }>(
    'SELECT id FROM jobs WHERE replay_of = ? ORDER BY seq DESC LIMIT 1',
  );
  // A plan key is its first job's id, so its jobs are all under the event that id names.
  const OF_PLAN = 'event_seq = (SELECT seq FROM events WHERE id = @eventId) AND plan_key = @id';
  const latestOfPlan = db.prepare<{ eventId: string; id: string }, JobRow>(
    `SELECT * FROM jobs WHERE ${OF_PLAN} ORDER BY seq DESC LIMIT 1`,
  );
  const countOfPlan = db.prepare<{ eventId: string; id: string }, { n: number }>(`SELECT COUNT(*) AS n FROM jobs WHERE ${OF_PLAN}`);
  const insertReplay = db.prepare(
    `INSERT INTO jobs (id, event_seq, plan_key, event_id, rule, action_index, destination, kind, request,
       status, attempts, next_at, created_at, updated_at, replay_of)
     VALUES (@id, (SELECT seq FROM events WHERE id = @event_id), @plan_key, @event_id, @rule, @action_index,
       @destination, @kind, @request, 'pending', 0, @now, @now, @now, @replay_of)`,
  );
  const byStatus = db.prepare<[], { status: JobStatus; n: number }>(
    'SELECT status, COUNT(*) AS n FROM jobs GROUP BY status',
  );
  // Pending jobs are read through the partial index jobs_pending; running ones are few.
  const inQueue = db.prepare<[], { destination: string; status: 'pending' | 'running'; n: number }>(
    "SELECT destination, status, COUNT(*) AS n FROM jobs WHERE status IN ('pending', 'running') GROUP BY destination, status",
  );

  /** Next free replay id: `${planKey}#r${n}`, n = how many jobs the plan key has had. */
  function replayId(planKey: string): string {
    let n = Math.max(1, countOfPlan.get(jobKey(planKey))?.n ?? 0);
    while (oneJob.get(jobKey(`${planKey}#r${n}`)) !== undefined) n += 1;
    return `${planKey}#r${n}`;
  }

  /** Why a job cannot be replayed now, or undefined if it can. */
  function notReplayable(row: JobRow): string | undefined {
    if (row.status === 'pending' || row.status === 'running') return `already ${row.status}`;
    const later = replayedAs.get(row.id);
    return later === undefined ? undefined : `already replayed as ${later.id}`;
  }

  const requeue = db.transaction((ids: readonly string[], now: number): RequeueResult => {
    const requeued: { from: string | null; to: string }[] = [];
    const skipped: { id: string; reason: string }[] = [];
    for (const id of ids) {
      const row = oneJob.get(jobKey(id));
      const why = row === undefined ? 'not found' : notReplayable(row);
      if (row === undefined || why !== undefined) {
        skipped.push({ id, reason: why ?? 'not found' });
        continue;
      }
      const to = replayId(row.plan_key);
      insertReplay.run({
        id: to, plan_key: row.plan_key, event_id: row.event_id, rule: row.rule, action_index: row.action_index,
        destination: row.destination, kind: row.kind, request: row.request, now, replay_of: row.id,
      });
      requeued.push({ from: row.id, to });
    }
    return { requeued, skipped };
  });

  const enqueueReplay = db.transaction((jobs: readonly NewJob[], now: number): RequeueResult => {
    const requeued: { from: string | null; to: string }[] = [];
    const skipped: { id: string; reason: string }[] = [];
    for (const j of jobs) {
      const latest = latestOfPlan.get(jobKey(j.id));
      const why = latest === undefined ? undefined : notReplayable(latest);
      if (latest !== undefined && why !== undefined) {
        skipped.push({ id: latest.id, reason: why });
        continue;
      }
      const to = latest === undefined ? j.id : replayId(j.id);
      insertReplay.run({
        id: to, plan_key: j.id, event_id: j.eventId, rule: j.rule, action_index: j.actionIndex,
        destination: j.destination, kind: j.kind, request: JSON.stringify(j.request), now,
        replay_of: latest?.id ?? null,
      });
      requeued.push({ from: latest?.id ?? null, to });
    }
    return { requeued, skipped };
  });

  return {
    async listEvents(opts = {}): Promise<EventSummary[]> {
      const params: Record<string, string | number> = { limit: opts.limit ?? 50, offset: opts.offset ?? 0 };
      for (const k of Object.keys(CLAUSES) as (keyof typeof CLAUSES)[]) if (opts[k] !== undefined) params[k] = opts[k];
      const events = listStatement(opts).all(params);
      const jobs = jobsOfEvents.all(JSON.stringify(events.map((e) => e.seq))).map(toJob);
      return events.map((e) => ({
        id: e.id,
        type: e.type,
        name: e.name,
        rulesVersion: e.d_rules_version ?? e.rules_version,
        receivedAt: e.received_at,
        decision: e.d_rules_version === null ? null : toDecision({ rules_version: e.d_rules_version, planned_at: e.planned_at ?? 0, summary: e.summary ?? '', rules: e.rules ?? '[]' }),
        jobs: jobs.filter((j) => j.eventId === e.id),
      }));
    },
    listDead: async (opts = {}) => dead.all(opts.limit ?? 100).map(toJob),
    async getJob(id) {
      const row = oneJob.get(jobKey(id));
      return row === undefined ? undefined : toJob(row);
    },
    async getEvent(id) {
      const row = oneEvent.get(id);
      return row === undefined ? undefined : toStoredEvent(row);
    },
    jobsForEvent: async (eventId) => jobsOfEvent.all(eventId).map(toJob),
    // IMMEDIATE: these read, then write; taking the write lock first makes a replay from another
    // process wait (busy_timeout) for the bridge's commits instead of failing with SQLITE_BUSY.
    requeue: async (ids, now) => requeue.immediate(ids, now),
    enqueueReplay: async (jobs, now) => enqueueReplay.immediate(jobs, now),
    async counts(): Promise<JobCounts> {
      const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
      for (const r of byStatus.all()) counts[r.status] = r.n;
      return counts;
    },
    async queueDepth() {
      const out: Record<string, { pending: number; running: number }> = {};
      for (const r of inQueue.all()) (out[r.destination] ??= { pending: 0, running: 0 })[r.status] = r.n;
      return out;
    },
  };
}
