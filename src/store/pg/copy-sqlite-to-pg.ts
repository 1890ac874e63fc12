import type { Database } from 'better-sqlite3';
import type pg from 'pg';
import { inTransaction } from './pg-pool.js';
import { noNul, toPgText } from './pg-text.js';

/** The tables `bridge migrate` copies, in an order that keeps every reference valid. Leases are not copied: they belong to running processes. */
export const COPIED_TABLES = ['events', 'dedupe', 'decisions', 'jobs', 'state', 'digest_items'] as const;
export type CopiedTable = (typeof COPIED_TABLES)[number];

/** Rows copied per table. */
export type CopyCounts = Readonly<Record<CopiedTable, number>>;

/** Tables whose `seq` is a bigserial on PostgreSQL: its sequence moves past the copied rows. */
const SERIAL: readonly CopiedTable[] = ['events', 'jobs', 'digest_items'];

/** Each table's key, for reading in order (`state` has no rowid). */
const ORDER: Readonly<Record<CopiedTable, string>> = { events: 'seq', dedupe: 'key', decisions: 'event_seq', jobs: 'seq', state: 'scope, key', digest_items: 'seq' };

/** A value as the PostgreSQL store keeps it: keys NUL-escaped (pg-text.ts), errors without NUL. */
function pgValue(table: CopiedTable, column: string, v: unknown): unknown {
  if (typeof v !== 'string') return v;
  if (column === 'key' && (table === 'state' || table === 'digest_items')) return toPgText(v);
  if (column === 'last_error') return noNul(v);
  return v;
}

/** Rows per INSERT: 17 columns a job, well under PostgreSQL's 65,535 parameters a statement. */
const CHUNK = 500;

async function columnsOf(c: pg.ClientBase, table: string): Promise<Set<string>> {
  const { rows } = await c.query<{ column_name: string }>(
    'SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1',
    [table],
  );
  return new Set(rows.map((r) => r.column_name));
}

/**
 * Copies an SQLite store (at the latest schema, read through `sqlite`) into an empty PostgreSQL
 * store (at the latest schema), in one PostgreSQL transaction: all of it or nothing. Rows keep
 * their `seq`, so jobs, decisions and digest items still point at their events, and each bigserial
 * sequence continues after the largest copied value. SQLite's planner cursor becomes PostgreSQL's
 * per-event `planned` mark (pg-migrations.ts). Refuses a database that already holds events or jobs.
 */
export async function copySqliteToPg(sqlite: Database, pool: pg.Pool): Promise<CopyCounts> {
  return inTransaction(pool, async (c) => {
    const held = await c.query<{ events: number; jobs: number }>('SELECT (SELECT COUNT(*) FROM events) AS events, (SELECT COUNT(*) FROM jobs) AS jobs');
    const { events, jobs } = held.rows[0] ?? { events: 0, jobs: 0 };
    if (events > 0 || jobs > 0) throw new Error(`the database already holds ${events} events and ${jobs} jobs; migrate into an empty database`);
    const cursor = (sqlite.prepare('SELECT planned_seq FROM planner').get() as { planned_seq: number } | undefined)?.planned_seq ?? 0;
    const counts = {} as Record<CopiedTable, number>;
    for (const table of COPIED_TABLES) {
      const target = await columnsOf(c, table);
      const source = (sqlite.pragma(`table_info(${table})`) as { name: string }[]).map((col) => col.name).filter((n) => target.has(n));
      const extra = table === 'events' ? ['planned'] : [];
      const columns = [...source, ...extra];
      const read = sqlite.prepare(`SELECT ${source.join(', ')} FROM ${table} ORDER BY ${ORDER[table]}`);
      let n = 0;
      let chunk: unknown[][] = [];
      const flush = async (): Promise<void> => {
        if (chunk.length === 0) return;
        const values = chunk.map((_, r) => `(${columns.map((__, k) => `$${r * columns.length + k + 1}`).join(', ')})`);
        await c.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}`, chunk.flat());
        n += chunk.length;
        chunk = [];
      };
      for (const row of read.iterate() as IterableIterator<Record<string, unknown>>) {
        const values = source.map((col) => pgValue(table, col, row[col]));
        if (table === 'events') values.push((row.seq as number) <= cursor);
        chunk.push(values);
        if (chunk.length === CHUNK) await flush();
      }
      await flush();
      counts[table] = n;
    }
    for (const table of SERIAL) {
      // setval(…, false) for an empty table: the next seq is 1, as on a fresh database.
      await c.query(`SELECT setval(pg_get_serial_sequence($1, 'seq'), GREATEST((SELECT MAX(seq) FROM ${table}), 1), (SELECT MAX(seq) FROM ${table}) IS NOT NULL)`, [table]);
    }
    return counts;
  });
}
