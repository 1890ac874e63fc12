import type pg from 'pg';
import { LOCK_CLASS, LOCKS } from './pg-pool.js';

/**
 * PostgreSQL schema migrations, applied in order; `schema_migrations` records each version that
 * ran. Append only: never edit a shipped step. Version 1 is SQLite's schema as of its migration 5
 * (sqlite-migrations.ts), with two differences that follow from concurrent writers:
 *
 * - `events.planned`: PostgreSQL hands out `seq` at insert, and transactions commit in any order,
 *   so an event with a lower seq can become visible after a higher one was planned; SQLite's
 *   cursor (`planned_seq`) would pass it over. Each event carries its own mark instead, and the
 *   partial index `events_unplanned` holds only the unplanned ones, so the planner's scan stays as
 *   small as the backlog.
 * - No `planner` table: who plans is decided by an advisory lock (pg-planner-store.ts).
 *
 * Times stay ms since the epoch (bigint), payloads and requests stay the exact JSON text the
 * bridge stored (text, not jsonb, which would reorder keys), so rows mean the same on both
 * engines. Like SQLite's, jobs.event_seq carries no foreign key (SQLite does not enforce one).
 */
export const PG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE events (
    seq           bigserial PRIMARY KEY,
    id            text NOT NULL UNIQUE,
    type          text NOT NULL,
    name          text NOT NULL,
    payload       text NOT NULL,
    rules_version text NOT NULL,
    received_at   bigint NOT NULL,
    headers       text,
    planned       boolean NOT NULL DEFAULT false
  );
  CREATE INDEX events_received_at ON events (received_at);
  CREATE INDEX events_unplanned ON events (seq) WHERE NOT planned;

  CREATE TABLE dedupe (
    key      text PRIMARY KEY,
    event_id text NOT NULL,
    seen_at  bigint NOT NULL
  );
  CREATE INDEX dedupe_seen_at ON dedupe (seen_at);

  CREATE TABLE jobs (
    seq          bigserial PRIMARY KEY,
    id           text NOT NULL,
    event_seq    bigint NOT NULL,
    plan_key     text NOT NULL,
    event_id     text NOT NULL,
    rule         text NOT NULL,
    action_index integer NOT NULL,
    destination  text NOT NULL,
    kind         text NOT NULL,
    request      text NOT NULL,
    status       text NOT NULL CHECK (status IN ('pending', 'running', 'done', 'dead', 'ambiguous')),
    attempts     integer NOT NULL DEFAULT 0,
    next_at      bigint NOT NULL,
    created_at   bigint NOT NULL,
    updated_at   bigint NOT NULL,
    last_error   text,
    ref          text,
    replay_of    text
  );
  CREATE UNIQUE INDEX jobs_event ON jobs (event_seq, id);
  CREATE INDEX jobs_pending ON jobs (destination, next_at) WHERE status = 'pending';
  CREATE INDEX jobs_running ON jobs (updated_at) WHERE status = 'running';
  CREATE INDEX jobs_replay_of ON jobs (replay_of) WHERE replay_of IS NOT NULL;

  CREATE TABLE decisions (
    event_seq     bigint PRIMARY KEY,
    rules_version text NOT NULL,
    planned_at    bigint NOT NULL,
    summary       text NOT NULL,
    rules         text NOT NULL
  );

  CREATE TABLE state (
    scope      text NOT NULL,
    key        text NOT NULL,
    value      text NOT NULL,
    expires_at bigint,
    PRIMARY KEY (scope, key)
  );
  CREATE INDEX state_expires_at ON state (expires_at) WHERE expires_at IS NOT NULL;

  CREATE TABLE digest_items (
    seq          bigserial PRIMARY KEY,
    rule         text NOT NULL,
    key          text NOT NULL,
    window_start bigint NOT NULL,
    window_end   bigint NOT NULL,
    event_seq    bigint NOT NULL,
    event_id     text NOT NULL,
    item         text NOT NULL,
    created_at   bigint NOT NULL
  );
  CREATE INDEX digest_items_window ON digest_items (window_end, rule, key);
  CREATE INDEX digest_items_event ON digest_items (event_seq);
  `,
  // 2: leases (lease-store.ts), as SQLite's migration 6: which process runs each destination's lane.
  `
  CREATE TABLE leases (
    name       text PRIMARY KEY,
    owner      text NOT NULL,
    expires_at bigint NOT NULL
  );
  `,
  // 3: as SQLite's migration 7: the channel a delivered message went to, for the console's link.
  `
  ALTER TABLE jobs ADD COLUMN ref_channel text;
  `,
];

/**
 * Brings the schema up to date in one transaction under an advisory lock, so two bridges starting
 * together against one database apply each step once (the second waits, then finds nothing to
 * do). Returns the version it ended at.
 */
export async function migratePg(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, LOCKS.migrate]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ v: number }>('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations');
    const from = rows[0]?.v ?? 0;
    if (from > PG_MIGRATIONS.length) {
      throw new Error(`database schema version ${from} is newer than this bridge knows (${PG_MIGRATIONS.length})`);
    }
    for (const [i, sql] of PG_MIGRATIONS.entries()) {
      if (i < from) continue;
      await client.query(sql);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [i + 1]);
    }
    await client.query('COMMIT');
    return PG_MIGRATIONS.length;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
