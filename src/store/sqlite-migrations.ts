import type { Database } from 'better-sqlite3';

/**
 * Schema migrations, applied in order. `PRAGMA user_version` holds how many have run, so a file
 * from an older release is brought up to date on open. Append only: never edit a shipped step.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE events (
    id            TEXT PRIMARY KEY,
    type          TEXT NOT NULL,
    name          TEXT NOT NULL,
    payload       TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    received_at   INTEGER NOT NULL,
    dedupe_key    TEXT
  );
  CREATE INDEX events_received_at ON events (received_at);

  CREATE TABLE dedupe (
    key      TEXT PRIMARY KEY,
    event_id TEXT NOT NULL,
    seen_at  INTEGER NOT NULL
  );
  CREATE INDEX dedupe_seen_at ON dedupe (seen_at);

  CREATE TABLE jobs (
    id           TEXT PRIMARY KEY,
    plan_key     TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    rule         TEXT NOT NULL,
    action_index INTEGER NOT NULL,
    destination  TEXT NOT NULL,
    kind         TEXT NOT NULL,
    request      TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'dead', 'ambiguous')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    last_error   TEXT,
    ref          TEXT,
    replay_of    TEXT
  );
  -- Few indexes: every one is written on the ingest path. Partial ones stay small: only pending
  -- jobs are claimed, and only replays have replay_of.
  CREATE INDEX jobs_pending ON jobs (destination, next_at) WHERE status = 'pending';
  CREATE INDEX jobs_event ON jobs (event_id);
  CREATE INDEX jobs_plan_key ON jobs (plan_key);
  CREATE INDEX jobs_replay_of ON jobs (replay_of) WHERE replay_of IS NOT NULL;
  `,
];

/** Brings the schema up to date in one transaction; returns the version it ended at. */
export function migrate(db: Database): number {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > MIGRATIONS.length) {
    throw new Error(`database schema version ${from} is newer than this bridge knows (${MIGRATIONS.length})`);
  }
  db.transaction(() => {
    for (const sql of MIGRATIONS.slice(from)) db.exec(sql);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  })();
  return MIGRATIONS.length;
}
