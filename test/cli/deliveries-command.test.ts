import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { activeRules } from '../../src/bridge/active-rules.js';
import { loadRulesFile } from '../../src/config/load-rules.js';
import { silentLogger } from '../../src/log.js';
import { createPlanner } from '../../src/planner/create-planner.js';
import { visitBy } from '../observe/sample-events.js';
import { openPgStore } from '../../src/store/pg/pg-store.js';
import { freshDatabase } from '../pg/fresh-database.js';
import { openTemp, seed, storedEvent, tempDir } from '../store/temp-store.js';
import { runCli } from './run-cli.js';

/** A temp data folder holding a store with one event and one pending job; removed after the test. */
async function seededDir(): Promise<string> {
  const { dir, cleanup } = tempDir();
  onTestFinished(cleanup);
  const store = openTemp(dir, { now: () => 1_000 });
  await seed(store, 'evt-1', [{ destination: 'alerts', kind: 'slack' }]);
  store.close();
  return dir;
}

describe('operator commands say which store they read', () => {
  it.each([
    ['deliveries', ['deliveries', '--json']],
    ['dead', ['dead', '--json']],
    ['replay', ['replay', '--dead']],
  ])('%s, given --data, names the file on stderr', async (_name, argv) => {
    const dir = await seededDir();
    const r = await runCli([...argv, '--data', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`reading store ${resolve(dir, 'bridge.db')}\n`);
  });

  it('reads the PostgreSQL store at DATABASE_URL instead of a data folder, creating nothing there', async () => {
    const { dir, cleanup } = tempDir();
    onTestFinished(cleanup);
    const db = await freshDatabase();
    onTestFinished(() => db.drop());
    const pgStore = await openPgStore({ url: db.url, now: () => 0, log: silentLogger() });
    await pgStore.accept(storedEvent('evt-pg'));
    await pgStore.close();
    const r = await runCli(['deliveries', '--json', '--data', dir], { DATABASE_URL: db.url });
    expect(r.stderr).toBe(`reading store ${db.url}\n`);
    expect((JSON.parse(r.stdout) as { id: string }[]).map((e) => e.id)).toEqual(['evt-pg']);
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'bridge.db'))).toBe(false);
  });

  it('keeps --json stdout clean, and reads DATA_DIR without --data', async () => {
    const dir = await seededDir();
    const r = await runCli(['deliveries', '--json'], { DATA_DIR: dir });
    expect(r.stderr).toBe(`reading store ${resolve(dir, 'bridge.db')}\n`);
    expect((JSON.parse(r.stdout) as { id: string }[]).map((e) => e.id)).toEqual(['evt-1']);
  });

  it.each([
    ['--data', (missing: string) => runCli(['deliveries', '--data', missing]), (missing: string) => `--data ${missing}`],
    ['DATA_DIR', (missing: string) => runCli(['dead'], { DATA_DIR: missing }), (missing: string) => `DATA_DIR=${missing}`],
  ])('refuses a folder with no store (%s), creating nothing', async (_name, run, from) => {
    const { dir, cleanup } = tempDir();
    onTestFinished(cleanup);
    const missing = join(dir, 'not-the-data-dir');
    const r = await run(missing);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `bridge: no store at ${resolve(missing, 'bridge.db')} (${from(missing)}); give the bridge's data folder with --data DIR or DATA_DIR\n`,
    });
    expect(existsSync(missing)).toBe(false);
  });
});

describe('bridge replay and memory (README "Memory", Replays)', () => {
  const RULES = `version: 1
destinations:
  alerts: { kind: slack, token: "\${UNSET_SLACK_TOKEN}", channel: "#vip" }
rules:
  - name: alert
    on: user.visited
    cooldown: { key: user.id, for: 1h }
    actions: [{ slack: { destination: alerts, text: "visit {{ state.visits_total }}" } }]
`;
  const T0 = Date.UTC(2026, 0, 5, 10);
  const visit = (date: string) => JSON.stringify({ ...visitBy('jane@example.com', date, 'Jane', '7') });

  /** Two visits of one user 10 minutes apart, planned by the real planner: the first alerts ("visit 1"), the second is suppressed; the first job is done. */
  async function plannedDir(): Promise<{ dir: string; rulesFile: string }> {
    const { dir, cleanup } = tempDir();
    onTestFinished(cleanup);
    const rulesFile = join(dir, 'rules.yaml');
    writeFileSync(rulesFile, RULES);
    const loaded = await loadRulesFile(rulesFile, {});
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    const rules = activeRules(loaded.rules);
    let now = T0;
    const store = openTemp(dir, { now: () => now });
    for (const [id, at] of [['v1', T0], ['v2', T0 + 600_000]] as const) {
      now = at;
      await store.accept({ id, type: 'user.visited', name: 'User Visits Server', payload: visit(new Date(at).toISOString()), rulesVersion: rules.version, receivedAt: at });
    }
    const planner = createPlanner({ store: store.planner, rules: () => rules, now: () => now, log: silentLogger() });
    planner.start();
    await planner.idle();
    await planner.stop();
    for (const j of await store.queue.claimDue(now, 10)) await store.queue.complete(j.id, { status: 'ok', ref: 'ts-1' }, now);
    store.close();
    return { dir, rulesFile };
  }

  /** The jobs (id and text) and the memory of user 7 (visits, cooldown end). */
  async function look(dir: string) {
    const store = openTemp(dir, { now: () => T0 });
    try {
      const jobs = [...(await store.deliveries.jobsForEvent('v1')), ...(await store.deliveries.jobsForEvent('v2'))].map((j) => [j.id, (j.request as { text: string }).text]);
      const state = await store.planner.readState([{ scope: 'activity', key: 'user.id|7' }, { scope: 'cooldown', key: 'alert|7' }]);
      const memory = state.map((r) => (r.scope === 'activity' ? `visits ${(r.value as { totals: Record<string, number> }).totals['user.visited']}` : `cooldown until ${new Date((r.value as { until: number }).until).toISOString()}`));
      return { jobs, memory, decision: (await store.planner.decisionOf('v2'))?.summary };
    } finally {
      store.close();
    }
  }

  const MEMORY = ['visits 2', 'cooldown until 2026-01-05T11:00:00.000Z'];

  it('before any replay: one alert, the repeat suppressed, two visits counted', async () => {
    const { dir } = await plannedDir();
    expect(await look(dir)).toEqual({ jobs: [['v1:alert:0', 'visit 1']], memory: MEMORY, decision: 'no match; suppressed alert (cooldown)' });
  });

  it('a replay of a job sends that job as planned, and touches no memory', async () => {
    const { dir } = await plannedDir();
    const r = await runCli(['replay', 'v1:alert:0', '--data', dir]);
    expect([r.code, r.stdout]).toEqual([0, 'queued v1:alert:0#r1 (replays v1:alert:0)\n1 queued, 0 skipped\n']);
    expect(await look(dir)).toEqual({ jobs: [['v1:alert:0', 'visit 1'], ['v1:alert:0#r1', 'visit 1']], memory: MEMORY, decision: 'no match; suppressed alert (cooldown)' });
  });

  it('a replay with the rules now re-plans with the memory as it is now: it reads the count of today, counts nothing again, and neither checks nor starts a cooldown', async () => {
    const { dir, rulesFile } = await plannedDir();
    // The suppressed visit has no job: planned again by its event id, it sends what the cooldown held back.
    const r = await runCli(['replay', 'v2', '--rules-now', '--rules', rulesFile, '--data', dir]);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, 'queued v2:alert:0\n1 queued, 0 skipped\n', `reading store ${resolve(dir, 'bridge.db')}\n`]);
    const again = await runCli(['replay', 'v1:alert:0', '--rules-now', '--rules', rulesFile, '--data', dir]);
    expect([again.code, again.stdout]).toEqual([0, 'queued v1:alert:0#r1 (replays v1:alert:0)\n1 queued, 0 skipped\n']);
    expect(await look(dir)).toEqual({
      jobs: [['v1:alert:0', 'visit 1'], ['v1:alert:0#r1', 'visit 2'], ['v2:alert:0', 'visit 2']],
      memory: MEMORY,
      decision: 'no match; suppressed alert (cooldown)',
    });
  });
});
