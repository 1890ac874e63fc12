import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPgListener, type Channel, type PgListener } from '../../../src/store/pg/pg-listener.js';
import { freshDatabase, type FreshDatabase } from '../../pg/fresh-database.js';
import { captureLog } from '../../dispatch/dispatch-fakes.js';
import { waitUntil } from '../../observe/wait-until.js';

describe('createPgListener', () => {
  let db: FreshDatabase;
  let other: pg.Client;
  let listener: PgListener | undefined;
  const heard: Channel[] = [];

  beforeEach(async () => {
    db = await freshDatabase();
    other = new pg.Client({ connectionString: db.url });
    await other.connect();
    heard.length = 0;
  });
  afterEach(async () => {
    await listener?.close();
    await other.end();
    await db.drop();
  });

  it('looks once on each channel when it starts listening, then hears each committed notification', async () => {
    listener = createPgListener(db.url, (c) => heard.push(c), captureLog().log);
    await waitUntil(() => heard.length === 2, '2 notifications heard');
    expect(heard.splice(0)).toEqual(['events', 'jobs']);
    await other.query("SELECT pg_notify('bridge_jobs', '')");
    await other.query('BEGIN');
    await other.query("SELECT pg_notify('bridge_events', '')");
    await other.query('ROLLBACK'); // never committed: never heard
    await other.query("SELECT pg_notify('bridge_events', '')");
    await waitUntil(() => heard.length === 2, '2 notifications heard');
    expect(heard).toEqual(['jobs', 'events']);
  });

  it('reconnects when its connection is killed, and looks again (it may have missed notifications meanwhile)', async () => {
    const { log, lines } = captureLog();
    listener = createPgListener(db.url, (c) => heard.push(c), log, 50);
    await waitUntil(() => heard.length === 2, '2 notifications heard');
    await other.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
    await waitUntil(() => heard.length === 4, '4 notifications heard');
    expect(lines.map((l) => l.msg)).toContain('PostgreSQL notification connection lost; reconnecting');
    await other.query("SELECT pg_notify('bridge_jobs', '')");
    await waitUntil(() => heard.length === 5, '5 notifications heard');
    expect(heard.at(-1)).toBe('jobs');
  });
});
