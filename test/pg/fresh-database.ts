import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** A database of one test file's own; `drop` removes it (the throwaway cluster goes at teardown anyway). */
export interface FreshDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** The run's PostgreSQL (global-setup.ts), as a superuser URL. */
export function pgAdminUrl(): string {
  return inject('pgAdminUrl');
}

/** `url` with its database replaced by `name`. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * CREATE DATABASE with a random name in the run's cluster: tests in different files (and
 * workers) never see each other's rows. Names are `t_` + hex, so they need no quoting. `admin` is
 * the run's cluster unless given (a benchmark outside vitest).
 */
export async function freshDatabase(prefix = 't', admin = pgAdminUrl()): Promise<FreshDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await adminQuery(admin, `CREATE DATABASE ${name}`);
  return {
    url: withDatabase(admin, name),
    name,
    // WITH (FORCE): a pool a failed test left open does not keep the database.
    drop: () => adminQuery(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
