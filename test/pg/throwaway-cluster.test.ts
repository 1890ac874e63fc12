import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase, type FreshDatabase } from './fresh-database.js';

describe('the run\'s PostgreSQL', () => {
  const made: FreshDatabase[] = [];
  afterAll(async () => {
    for (const db of made) await db.drop();
  });

  it('gives each caller a database of its own, with the server\'s durability defaults', async () => {
    const [a, b] = await Promise.all([freshDatabase(), freshDatabase()]);
    made.push(a, b);
    expect(a.name).not.toBe(b.name);
    const client = new pg.Client({ connectionString: a.url });
    await client.connect();
    try {
      await client.query('CREATE TABLE only_in_a (x int)');
      const settings = await client.query<{ name: string; setting: string }>(
        "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'listen_addresses') ORDER BY name",
      );
      expect(settings.rows).toEqual([
        { name: 'fsync', setting: 'on' },
        { name: 'listen_addresses', setting: expect.stringMatching(/^(127\.0\.0\.1|\*|localhost)/) as unknown as string },
        { name: 'synchronous_commit', setting: 'on' },
      ]);
    } finally {
      await client.end();
    }
    const other = new pg.Client({ connectionString: b.url });
    await other.connect();
    try {
      const r = await other.query("SELECT to_regclass('only_in_a') AS t");
      expect(r.rows).toEqual([{ t: null }]);
    } finally {
      await other.end();
    }
  });
});
