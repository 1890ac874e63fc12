import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type FreshDatabase } from '../pg/fresh-database.js';
import { startTestBridge, type TestBridge } from './start-test-bridge.js';

const docsVisit = (): Record<string, any> => JSON.parse(readFileSync(new URL('../fixtures/events/visit.json', import.meta.url), 'utf8'));

let db: FreshDatabase;
let t: TestBridge;
beforeAll(async () => {
  db = await freshDatabase();
  t = await startTestBridge({ env: { DATABASE_URL: db.url } });
});
afterAll(async () => {
  await t?.close();
  await db?.drop();
});

describe('a bridge on PostgreSQL (DATABASE_URL)', () => {
  it('stores the event in PostgreSQL and delivers the VIP alert to Slack, once', async () => {
    const res = await t.post(docsVisit());
    expect(res.status).toBe(202);
    const { id } = res.json as { id: string };
    await t.slack.waitFor(() => t.slack.messages.length === 1, 10_000);
    expect(t.slack.messages[0]?.text).toBe("VIP visit: Jane Doe (janedoe@example.com) is in John's community");
    expect(t.bridge.store.location).toBe(db.url);
    // It is in PostgreSQL, not in the data folder: the folder holds no store file.
    expect(existsSync(join(t.dataDir, 'bridge.db'))).toBe(false);
    // A redelivery is a duplicate, across the same database.
    const again = await t.post(docsVisit());
    expect(again.json).toMatchObject({ status: 'duplicate', id });
    await t.bridge.idle();
    expect(t.slack.messages).toHaveLength(1);
    const jobs = await t.bridge.store.deliveries.jobsForEvent(id);
    expect(jobs.find((j) => j.destination === 'vip-alerts')).toMatchObject({ status: 'done', attempts: 1 });
  });
});
