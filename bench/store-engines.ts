/**
 * `npm run bench:engines`: accepted events per second through each engine's real store (`accept`,
 * group commit), BENCH_EVENTS visit-sized events (default 20,000) with 50 accepts in flight (the
 * batch group commit reaches at 50 connections), random content ids; SQLite in a temp folder,
 * PostgreSQL in a throwaway cluster at its defaults (fsync and synchronous_commit on), or at
 * TEST_DATABASE_URL. Three rounds, alternating engines, so machine load hits both alike.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../src/log.js';
import { openPgStore } from '../src/store/pg/pg-store.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import type { StoredEvent } from '../src/store/store.js';
import { freshDatabase } from '../test/pg/fresh-database.js';
import { startThrowawayCluster } from '../test/pg/throwaway-cluster.js';
import { VISIT_PAYLOAD } from './visit-payload.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const IN_FLIGHT = 50;
const PAYLOAD = VISIT_PAYLOAD;

/** Events per second with IN_FLIGHT accepts outstanding at any time. */
async function drive(accept: (e: StoredEvent) => Promise<unknown>): Promise<number> {
  let sent = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (sent < EVENTS) {
      sent += 1;
      await accept({ id: `c_${randomBytes(16).toString('hex')}`, type: 'user.visited', name: 'User Visits Server', payload: PAYLOAD, rulesVersion: 'v1', receivedAt: Date.now() });
    }
  }));
  return Math.round(EVENTS / ((performance.now() - started) / 1000));
}

const given = process.env['TEST_DATABASE_URL'];
const cluster = given === undefined ? await startThrowawayCluster() : undefined;
try {
  console.log(`${EVENTS} events, ${IN_FLIGHT} in flight; events/s accepted (durable before each resolves)`);
  for (let round = 1; round <= 3; round += 1) {
    const db = await freshDatabase('bench', cluster?.url ?? given);
    const pg = await openPgStore({ url: db.url, now: Date.now, log: silentLogger() });
    const pgRate = await drive((e) => pg.accept(e));
    const { items, commits } = pg.intakeStats();
    await pg.close();
    await db.drop();
    const dir = mkdtempSync(join(tmpdir(), 'bridge-bench-'));
    const sqlite = openSqliteStore({ dir, now: Date.now, log: silentLogger() });
    const sqliteRate = await drive((e) => sqlite.accept(e));
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
    console.log(`round ${round}: PostgreSQL ${pgRate}/s (${Math.round(items / commits)} events a commit), SQLite ${sqliteRate}/s`);
  }
} finally {
  await cluster?.stop();
}
