import pg from 'pg';

/** pg's OID of int8 (bigint, bigserial, COUNT(*)). */
const INT8 = 20;

/**
 * Parses int8 as a JS number instead of pg's default string: every bigint here is a seq, a count
 * or a time in ms, all far below 2^53. Per pool, so nothing else in the process is affected.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

export interface PgPoolOptions {
  readonly url: string;
  /** Connections in the pool (default 10). */
  readonly max?: number;
}

/** A pool on `url` whose int8 columns read as numbers. */
export function createPgPool(opts: PgPoolOptions): pg.Pool {
  // A database that does not answer fails a request within 10 s (the webhook sender retries it) instead of holding it.
  return new pg.Pool({ connectionString: opts.url, max: opts.max ?? 10, types, connectionTimeoutMillis: 10_000 });
}

/** A single connection (the planner's lock holder) with the same types. */
export function createPgClient(url: string): pg.Client {
  return new pg.Client({ connectionString: url, types, connectionTimeoutMillis: 10_000 });
}

/** Runs `fn` in one transaction on one pooled connection: COMMIT if it resolves, ROLLBACK if it throws. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    // A connection that cannot even roll back is dropped from the pool, not reused.
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw err;
  } finally {
    client.release(broken);
  }
}

/** Advisory lock keys (two-int form, so pg_locks shows them as classid/objid): the class is this bridge's. */
export const LOCK_CLASS = 0x52_42_52_47; // 'RBRG'
export const LOCKS = { migrate: 1, planner: 2 } as const;
