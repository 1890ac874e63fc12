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
  // 2: rows in arrival order, and one random-key index per event instead of five. Event ids (content
  // hashes, senders' delivery ids) are random, and every index keyed by them costs a page write in a
  // random place per insert: at 80k events that made the intake ~4x slower than it is now. Jobs are
  // found through their event (`event_seq`, appended in order); a job's id names its event (see
  // job-id.ts). The dedupe table now holds only the ids of events pruned before the dedupe window
  // ended: a stored event is its own dedupe record.
  `
  CREATE TABLE events_v2 (
    seq           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    type          TEXT NOT NULL,
    name          TEXT NOT NULL,
    payload       TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    received_at   INTEGER NOT NULL
  );
  INSERT INTO events_v2 (id, type, name, payload, rules_version, received_at)
    SELECT id, type, name, payload, rules_version, received_at FROM events ORDER BY rowid;

  CREATE TABLE jobs_v2 (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL,
    event_seq    INTEGER NOT NULL REFERENCES events_v2 (seq),
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
  INSERT INTO jobs_v2 (id, event_seq, plan_key, event_id, rule, action_index, destination, kind, request,
      status, attempts, next_at, created_at, updated_at, last_error, ref, replay_of)
    SELECT j.id, e.seq, j.plan_key, j.event_id, j.rule, j.action_index, j.destination, j.kind, j.request,
      j.status, j.attempts, j.next_at, j.created_at, j.updated_at, j.last_error, j.ref, j.replay_of
    FROM jobs j JOIN events_v2 e ON e.id = j.event_id ORDER BY j.rowid;

  DROP TABLE jobs;
  DROP TABLE events;
  ALTER TABLE events_v2 RENAME TO events;
  ALTER TABLE jobs_v2 RENAME TO jobs;
  CREATE INDEX events_received_at ON events (received_at);
  CREATE UNIQUE INDEX jobs_event ON jobs (event_seq, id);
  CREATE INDEX jobs_pending ON jobs (destination, next_at) WHERE status = 'pending';
  CREATE INDEX jobs_replay_of ON jobs (replay_of) WHERE replay_of IS NOT NULL;
  DELETE FROM dedupe WHERE key IN (SELECT id FROM events);
  `,
  // 3: planning behind the commit, and per-key state. The intake stores events only; the planner
  // plans those after its cursor (`planner.planned_seq`: one writer, so seq order is commit order, and
  // the intake writes no extra index entry), and writes jobs, state and one decision row per event
  // in the transaction that moves the cursor. Events stored before this migration were planned at
  // intake. `state` is keyed (scope, key) with a JSON value; `expires_at` lets housekeeping prune it.
  `
  CREATE TABLE planner (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    planned_seq INTEGER NOT NULL
  );
  INSERT INTO planner (id, planned_seq) SELECT 1, COALESCE(MAX(seq), 0) FROM events;
  CREATE TABLE decisions (
    event_seq     INTEGER PRIMARY KEY,
    rules_version TEXT NOT NULL,
    planned_at    INTEGER NOT NULL,
    summary       TEXT NOT NULL,
    rules         TEXT NOT NULL
  );
  CREATE TABLE state (
    scope      TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    expires_at INTEGER,
    PRIMARY KEY (scope, key)
  ) WITHOUT ROWID;
  CREATE INDEX state_expires_at ON state (expires_at) WHERE expires_at IS NOT NULL;
  `,
  // 4: digests. A match of a digest rule is buffered here (in the planning transaction, instead of a
  // job) as the event view it renders as; when its window has closed, one transaction turns a
  // window's items (rule, key, window_end) into the digest's jobs and deletes them. event_seq ties an
  // item to its event (forget, history pruning, and the job, which hangs on the newest item's event).
  `
  CREATE TABLE digest_items (
    seq          INTEGER PRIMARY KEY,
    rule         TEXT NOT NULL,
    key          TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    window_end   INTEGER NOT NULL,
    event_seq    INTEGER NOT NULL,
    event_id     TEXT NOT NULL,
    item         TEXT NOT NULL,
    created_at   INTEGER NOT NULL
  );
  CREATE INDEX digest_items_window ON digest_items (window_end, rule, key);
  CREATE INDEX digest_items_event ON digest_items (event_seq);
  `,
  // 5: the request headers the intake received (the console's event page), as JSON text, redacted
  // before storage (receive/delivery-headers.ts: no secret is written). NULL for older events.
  `
  ALTER TABLE events ADD COLUMN headers TEXT;
  `,
  // 6: leases (lease-store.ts): which process runs each destination's lane, until when. One process
  // owns an SQLite data directory, so it holds them all; the table gives both engines one contract.
  `
  CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // 7: where a delivered message went, as the vendor answered (Slack's channel id, Discord's
  // channel_id): with the ref it makes the console's link to the message. NULL for older jobs.
  `
  ALTER TABLE jobs ADD COLUMN ref_channel TEXT;
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
