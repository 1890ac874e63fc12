import type { Database } from 'better-sqlite3';
import type { ClaimWant, Job, JobQueue, JobResult, JobUpdate, MemoWrite } from './job-queue.js';
import { byDue } from './by-due.js';
import { createGroupCommit } from './group-commit.js';
import { JOB_BY_ID as BY_ID, jobKey, toJob, type JobRow } from './sqlite-rows.js';

/** One call's outcomes, as `settle` was given them. */
interface Settle {
  readonly updates: readonly JobUpdate[];
  readonly now: number;
}

/**
 * The job queue on SQLite. One process owns the file, and SQLite has one writer, so a claim (an
 * `UPDATE … RETURNING`) cannot race another claim. Updates to a job check the status they expect,
 * so a late outcome for a job that was already recovered or replayed changes nothing. `seq` (the
 * rowid) is the insertion order. `flushNow` is for the store's close: settles still waiting for
 * their shared commit are committed at once.
 */
export function createSqliteJobQueue(db: Database): JobQueue & { flushNow(): void } {
  const claimAny = db.prepare<{ now: number; limit: number }, JobRow>(
    `UPDATE jobs SET status = 'running', attempts = attempts + 1, updated_at = @now
     WHERE seq IN (SELECT seq FROM jobs WHERE status = 'pending' AND next_at <= @now
                   ORDER BY next_at, seq LIMIT @limit)
     RETURNING *`,
  );
  const claimFor = db.prepare<{ now: number; limit: number; destination: string }, JobRow>(
    `UPDATE jobs SET status = 'running', attempts = attempts + 1, updated_at = @now
     WHERE seq IN (SELECT seq FROM jobs WHERE destination = @destination AND status = 'pending'
                   AND next_at <= @now ORDER BY next_at, seq LIMIT @limit)
     RETURNING *`,
  );
  type ById = { eventId: string; id: string; now: number };
  const toDone = db.prepare<ById & { ref: string | null; channel: string | null }>(
    `UPDATE jobs SET status = 'done', ref = @ref, ref_channel = @channel, updated_at = @now WHERE ${BY_ID} AND status = 'running'`,
  );
  const toFinal = db.prepare<ById & { status: string; reason: string }>(
    `UPDATE jobs SET status = @status, last_error = @reason, updated_at = @now WHERE ${BY_ID} AND status = 'running'`,
  );
  const toDead = db.prepare<ById & { reason: string }>(
    `UPDATE jobs SET status = 'dead', last_error = @reason, updated_at = @now
     WHERE ${BY_ID} AND status IN ('running', 'pending')`,
  );
  const toRetry = db.prepare<ById & { at: number; reason: string }>(
    `UPDATE jobs SET status = 'pending', next_at = @at, last_error = @reason, updated_at = @now
     WHERE ${BY_ID} AND status = 'running'`,
  );
  const toReleased = db.prepare<ById & { at: number }>(
    `UPDATE jobs SET status = 'pending', attempts = MAX(attempts - 1, 0), next_at = @at, updated_at = @now
     WHERE ${BY_ID} AND status = 'running'`,
  );
  const byId = (id: string, now: number): ById => ({ ...jobKey(id), now });
  const defer = db.prepare(
    `UPDATE jobs SET next_at = @until, updated_at = @now
     WHERE destination = @destination AND status = 'pending' AND next_at < @until`,
  );
  const orphans = db.prepare<[string], { destination: string; jobs: number }>(
    `SELECT destination, COUNT(*) AS jobs FROM jobs WHERE status = 'pending'
     AND destination NOT IN (SELECT value FROM json_each(?)) GROUP BY destination ORDER BY destination`,
  );
  const orphanToDead = db.prepare<{ destination: string; reason: string; now: number }>(
    `UPDATE jobs SET status = 'dead', last_error = @reason, updated_at = @now WHERE destination = @destination AND status = 'pending'`,
  );
  const deadLetterOrphans = db.transaction((destinations: readonly string[], reason: (destination: string) => string, now: number) => {
    const found = orphans.all(JSON.stringify(destinations));
    for (const { destination } of found) orphanToDead.run({ destination, reason: reason(destination), now });
    return found.map(({ destination, jobs }) => ({ destination, jobs }));
  });
  const recover = db.prepare(
    `UPDATE jobs SET status = 'pending', next_at = ?, updated_at = ? WHERE status = 'running'`,
  );
  const recoverFor = db.prepare<{ now: number; destinations: string | null; except: string }>(
    `UPDATE jobs SET status = 'pending', next_at = @now, updated_at = @now WHERE status = 'running'
     AND (@destinations IS NULL OR destination IN (SELECT value FROM json_each(@destinations)))
     AND id NOT IN (SELECT value FROM json_each(@except))`,
  );
  // A running job's updated_at is its claim time: nothing else touches a running row.
  const recoverOld = db.prepare<{ before: number; now: number; except: string }>(
    `UPDATE jobs SET status = 'pending', next_at = @now, updated_at = @now
     WHERE status = 'running' AND updated_at <= @before AND id NOT IN (SELECT value FROM json_each(@except))`,
  );
  const minDue = db.prepare<[], { t: number | null }>(
    `SELECT MIN(next_at) AS t FROM jobs WHERE status = 'pending'`,
  );
  const minDueFor = db.prepare<[string], { t: number | null }>(
    `SELECT MIN(next_at) AS t FROM jobs WHERE status = 'pending'
     AND destination IN (SELECT value FROM json_each(?))`,
  );

  function apply(u: JobUpdate, now: number): void {
    switch (u.to) {
      case 'done':
        toDone.run({ ...byId(u.id, now), ref: u.ref ?? null, channel: u.channel ?? null });
        return;
      case 'dead':
      case 'ambiguous':
        toFinal.run({ ...byId(u.id, now), status: u.to, reason: u.reason });
        return;
      case 'retry':
        toRetry.run({ ...byId(u.id, now), at: u.at, reason: u.reason });
        return;
    }
  }

  // Memos share the planner's state table (scope `memo`), so the hourly housekeeping prunes them.
  const putMemo = db.prepare<[string, string, number | null]>(
    `INSERT INTO state (scope, key, value, expires_at) VALUES ('memo', ?, ?, ?)
     ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
  );
  const getMemos = db.prepare<[string, number], { key: string; value: string }>(
    `SELECT s.key, s.value FROM json_each(?) j JOIN state s ON s.scope = 'memo' AND s.key = j.value
     WHERE s.expires_at IS NULL OR s.expires_at > ?`,
  );
  const claimForAll = db.transaction((now: number, wants: readonly ClaimWant[]) =>
    wants.flatMap((w) => (w.limit > 0 ? byDue(claimFor.all({ now, limit: w.limit, destination: w.destination })) : [])),
  );
  // Calls that finish in the same turn (a lane's concurrent calls, other lanes') settle in one
  // transaction: one commit each rewrote the same jobs pages into the WAL, ~1 per job sent.
  const settles = createGroupCommit<Settle, undefined>(
    db.transaction((items: readonly Settle[]) => {
      for (const { updates, now } of items) for (const u of updates) apply(u, now);
      return items.map(() => undefined);
    }),
  );
  const rememberAll = db.transaction((memos: readonly MemoWrite[]) => {
    for (const m of memos) putMemo.run(m.key, JSON.stringify(m.value), m.expiresAt);
  });
  const releaseAll = db.transaction((ids: readonly string[], at: number, now: number) => {
    for (const id of ids) toReleased.run({ ...byId(id, now), at });
  });

  function toUpdate(id: string, result: JobResult): JobUpdate {
    if (result.status === 'ok') return { id, to: 'done', ...(result.ref !== undefined && { ref: result.ref }), ...(result.channel !== undefined && { channel: result.channel }) };
    return { id, to: result.status === 'fail' ? 'dead' : 'ambiguous', reason: result.reason };
  }

  // better-sqlite3 is synchronous: each method does its work at once and returns a settled
  // promise (`async` turns a throw into a rejection, as an engine over the network would fail).
  return {
    async claimDue(now, limit, opts = {}): Promise<Job[]> {
      if (limit <= 0) return [];
      const rows =
        opts.destination === undefined
          ? claimAny.all({ now, limit })
          : claimFor.all({ now, limit, destination: opts.destination });
      return byDue(rows).map(toJob);
    },
    claimDueFor: async (now, wants) => (wants.length === 0 ? [] : claimForAll(now, wants).map(toJob)),
    complete: async (id, result, now) => apply(toUpdate(id, result), now),
    retryLater: async (id, at, reason, now) => apply({ id, to: 'retry', at, reason }, now),
    deadLetter: async (id, reason, now) => void toDead.run({ ...byId(id, now), reason }),
    settle: (updates, now) => (updates.length === 0 ? Promise.resolve() : settles.submit({ updates, now })),
    flushNow: () => settles.flushNow(),
    remember: async (memos) => (memos.length === 0 ? undefined : rememberAll(memos)),
    async readMemos(keys, now) {
      const out = new Map<string, string>();
      if (keys.length === 0) return out;
      for (const row of getMemos.all(JSON.stringify(keys), now)) {
        const value: unknown = JSON.parse(row.value);
        if (typeof value === 'string') out.set(row.key, value);
      }
      return out;
    },
    release: async (ids, at, now) => (ids.length === 0 ? undefined : releaseAll(ids, at, now)),
    deferDestination: async (destination, until, now) => defer.run({ destination, until, now }).changes,
    deadLetterOrphans: async (destinations, reason, now) => deadLetterOrphans.immediate(destinations, reason, now), // IMMEDIATE: it reads, then writes (sqlite-intake.ts says why)
    recoverInFlight: async (now, opts = {}) =>
      opts.destinations === undefined && opts.except === undefined
        ? recover.run(now, now).changes
        : recoverFor.run({ now, destinations: opts.destinations === undefined ? null : JSON.stringify(opts.destinations), except: JSON.stringify(opts.except ?? []) }).changes,
    recoverExpired: async (claimedBefore, now, opts = {}) => recoverOld.run({ before: claimedBefore, now, except: JSON.stringify(opts.except ?? []) }).changes,
    async nextDueAt(opts = {}) {
      const row = opts.destinations === undefined ? minDue.get() : minDueFor.get(JSON.stringify(opts.destinations));
      return row?.t ?? undefined;
    },
  };
}
