import type pg from 'pg';
import type { Logger } from '../../log.js';
import type { AcceptResult, IntakeStore, StoredEvent } from '../store.js';
import type { GroupCommitStats } from '../group-commit.js';
import { createAsyncGroupCommit } from '../async-group-commit.js';
import { notify } from './pg-listener.js';

export interface PgIntakeOptions {
  readonly pool: pg.Pool;
  readonly now: () => number;
  readonly log: Logger;
  readonly dedupeWindowMs: number;
  /** Largest batch one transaction takes. */
  readonly maxBatch?: number;
  /** How often a commit also prunes expired dedupe keys. */
  readonly pruneEveryMs?: number;
  /** Called after each commit that stored something new (the planner's `wake`). */
  readonly onAccepted?: (count: number) => void;
}

export interface PgIntake extends IntakeStore {
  lastCommitOk(): boolean;
  pruneDedupe(now: number): Promise<number>;
  /** Resolves once every event submitted so far is committed or rejected. */
  drain(): Promise<void>;
  stats(): GroupCommitStats;
}

/**
 * The batch as one statement, so one round trip and one commit: the events in arrival order
 * (ordinality keeps their seqs in that order), less those whose id a pruned event left in
 * `dedupe` within the window; ON CONFLICT DO NOTHING drops ids stored already (by this bridge
 * or, waiting on its row lock, by another one committing the same id) and repeats within the
 * batch, whose first copy wins. RETURNING names the ids stored.
 */
const INSERT_BATCH = `
  INSERT INTO events (id, type, name, payload, rules_version, received_at, headers)
  SELECT u.id, u.type, u.name, u.payload, u.rules_version, u.received_at, u.headers
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $8::text[])
       WITH ORDINALITY AS u (id, type, name, payload, rules_version, received_at, headers, ord)
  WHERE NOT EXISTS (SELECT 1 FROM dedupe d WHERE d.key = u.id AND d.seen_at > $7)
  ORDER BY u.ord
  ON CONFLICT (id) DO NOTHING
  RETURNING id`;

/**
 * The durable intake on PostgreSQL, with the SQLite intake's contract (sqlite-intake.ts): group
 * commit, one transaction per batch, `accept` resolving after the commit, the event id as dedupe
 * key and a stored event as its own dedupe record.
 */
export function createPgIntake(opts: PgIntakeOptions): PgIntake {
  const { pool, now, dedupeWindowMs } = opts;
  const pruneEveryMs = opts.pruneEveryMs ?? 60 * 60 * 1000;
  let lastPrune = Number.NEGATIVE_INFINITY;
  let commitOk = true;

  async function pruneDedupe(t: number): Promise<number> {
    lastPrune = t;
    const r = await pool.query('DELETE FROM dedupe WHERE seen_at <= $1', [t - dedupeWindowMs]);
    return r.rowCount ?? 0;
  }

  async function commitBatch(items: readonly StoredEvent[], t: number): Promise<AcceptResult[]> {
    const r = await pool.query<{ id: string }>(INSERT_BATCH, [
      items.map((e) => e.id), items.map((e) => e.type), items.map((e) => e.name), items.map((e) => e.payload),
      items.map((e) => e.rulesVersion), items.map((e) => e.receivedAt), t - dedupeWindowMs, items.map((e) => e.headers ?? null),
    ]);
    const stored = new Set(r.rows.map((row) => row.id));
    // The first copy of an id in the batch is the one stored; later copies are duplicates.
    return items.map((e) => (stored.delete(e.id) ? 'accepted' : 'duplicate'));
  }

  /** Housekeeping after a commit: it must not fail a batch that is already durable. */
  function afterCommit(results: readonly AcceptResult[], t: number): void {
    if (t - lastPrune >= pruneEveryMs) pruneDedupe(t).catch((err: unknown) => opts.log.warn({ err }, 'pruning dedupe keys'));
    try {
      const accepted = results.filter((r) => r === 'accepted').length;
      if (accepted > 0) {
        opts.onAccepted?.(accepted);
        // The planner may run in another bridge (it holds the planner lock): wake it now.
        notify(pool, 'events').catch((err: unknown) => opts.log.warn({ err }, 'notifying the planners'));
      }
    } catch (err) {
      opts.log.warn({ err }, 'after intake commit');
    }
  }

  const group = createAsyncGroupCommit<StoredEvent, AcceptResult>(async (items) => {
    const t = now();
    let results: AcceptResult[];
    try {
      results = await commitBatch(items, t);
    } catch (err) {
      commitOk = false;
      throw err;
    }
    commitOk = true;
    afterCommit(results, t);
    return results;
  }, opts.maxBatch ?? 256);

  return {
    accept: (event) => group.submit(event),
    lastCommitOk: () => commitOk,
    pruneDedupe,
    drain: () => group.drain(),
    stats: () => group.stats(),
  };
}
