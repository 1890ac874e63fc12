import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyNames } from '../../src/store/sqlite-forget-person.js';
import { visitBy } from '../observe/sample-events.js';
import { seedStore } from '../planner/seed-store.js';
import { runCli } from './run-cli.js';

/** Issue 15: `bridge forget` removes a person from everything the store holds, and nobody else. */

const BUNDLED = readFileSync(new URL('../../rules.yaml', import.meta.url), 'utf8');
const START = Date.parse('2026-11-23T00:00:00.000Z');
let dir: string;

/** Visits by Jane (id 1234, a VIP: cooldown + counters) and Alex (id 77, a VIP by domain), through the bundled rules. */
async function seed(): Promise<void> {
  const people = [
    { email: 'janedoe@example.com', id: '1234', name: 'Jane Doe' },
    { email: 'alex@bigcustomer.com', id: '77', name: 'Alex Big' },
  ];
  const events = Array.from({ length: 6 }, (_, i) => {
    const who = people[i % 2] as (typeof people)[number];
    const at = START + i * 3_600_000;
    const body = visitBy(who.email, new Date(at).toISOString(), who.name);
    body.user.id = who.id;
    return { body, at };
  });
  await seedStore(dir, BUNDLED, events);
}

/** What the store holds, read straight from the file. */
function contents() {
  const db = new Database(join(dir, 'bridge.db'), { readonly: true });
  try {
    const emails = db.prepare("SELECT json_extract(payload, '$.user.email') AS e FROM events ORDER BY seq").pluck().all();
    const jobs = db.prepare('SELECT request FROM jobs').pluck().all() as string[];
    const state = db.prepare('SELECT scope, key FROM state ORDER BY scope, key').all() as { scope: string; key: string }[];
    return { emails, jobsMentioningJane: jobs.filter((r) => r.includes('janedoe')).length, jobs: jobs.length, state: state.map((s) => `${s.scope} ${s.key}`) };
  } finally {
    db.close();
  }
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bridge-forget-test-'));
  await seed();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('bridge forget', () => {
  it('deletes one person by email (any case): events, jobs, decisions, memory; the other person stays', async () => {
    const before = contents();
    expect(before.emails).toEqual(['janedoe@example.com', 'alex@bigcustomer.com', 'janedoe@example.com', 'alex@bigcustomer.com', 'janedoe@example.com', 'alex@bigcustomer.com']);
    expect(before.state.filter((s) => s.endsWith('|1234')).length).toBeGreaterThan(0);

    const r = await runCli(['forget', '--email', 'JaneDoe@Example.com', '--data', dir]);
    expect(r.stdout.split('\n')[0]).toMatch(/^forgot janedoe@example\.com, 1234: 3 events, \d+ jobs, 3 decisions, \d+ memory records, 0 dedupe rows, 0 digest items$/);
    expect(r.code).toBe(0);

    const after = contents();
    expect(after.emails).toEqual(['alex@bigcustomer.com', 'alex@bigcustomer.com', 'alex@bigcustomer.com']);
    expect(after.jobsMentioningJane).toBe(0);
    expect(after.state).toEqual(before.state.filter((s) => !s.endsWith('|1234')));
    expect(after.state.filter((s) => s.endsWith('|77')).length).toBeGreaterThan(0);

    // A later backtest does not see her.
    const bt = await runCli(['backtest', '--since', '2026-11-22T00:00:00Z', '--until', '2026-11-24T00:00:00Z', '--rules', new URL('../../rules.yaml', import.meta.url).pathname, '--data', dir, '--json']);
    expect((JSON.parse(bt.stdout) as { events: number }).events).toBe(3);
  });

  it('deletes by user id, and finds the emails on their events to forget their memory too', async () => {
    const r = await runCli(['forget', '--user-id', '77', '--data', dir, '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ identities: ['77', 'alex@bigcustomer.com'], events: 3, decisions: 3, dedupe: 0 });
    expect(contents().emails).toEqual(['janedoe@example.com', 'janedoe@example.com', 'janedoe@example.com']);
    expect(contents().state.some((s) => s.endsWith('|77'))).toBe(false);
  });

  it('deletes their items buffered in digest windows, and says how many', async () => {
    const digestDir = mkdtempSync(join(tmpdir(), 'bridge-forget-digest-'));
    try {
      const rules = `version: 1
destinations:
  alerts: { kind: slack, token: "\${SLACK_BOT_TOKEN}", channel: "#vip" }
rules:
  - name: visit-digest
    on: user.visited
    digest: { key: "{{ server.id }}", every: 1d }
    actions:
      - slack: { destination: alerts, text: "{{ digest.count }} visits: {{#digest.items}}{{ user.name }} {{/digest.items}}" }
`;
      const visits = [['janedoe@example.com', 'Jane Doe'], ['alex@bigcustomer.com', 'Alex Big'], ['janedoe@example.com', 'Jane Doe']].map(([email, name], i) => {
        const at = START + i * 3_600_000;
        return { body: visitBy(email as string, new Date(at).toISOString(), name), at };
      });
      await seedStore(digestDir, rules, visits);
      const r = await runCli(['forget', '--email', 'janedoe@example.com', '--data', digestDir]);
      expect(r.stdout).toBe('forgot janedoe@example.com, 1234: 2 events, 0 jobs, 2 decisions, 0 memory records, 0 dedupe rows, 2 digest items\n');
      const db = new Database(join(digestDir, 'bridge.db'), { readonly: true });
      try {
        expect(db.prepare('SELECT event_id FROM digest_items').pluck().all()).toHaveLength(1);
      } finally {
        db.close();
      }
    } finally {
      rmSync(digestDir, { recursive: true, force: true });
    }
  });

  it('says so when nobody matches, and needs someone to forget', async () => {
    expect((await runCli(['forget', '--email', 'nobody@example.com', '--data', dir])).stdout).toBe(
      'forgot nobody@example.com: 0 events, 0 jobs, 0 decisions, 0 memory records, 0 dedupe rows, 0 digest items\n',
    );
    const r = await runCli(['forget', '--data', dir]);
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([2, 'bridge forget: give --email ADDR or --user-id ID']);
  });
});

describe('keyNames', () => {
  it.each<[string, string, boolean]>([
    ['user.id|1234', '1234', true],
    ['vip-visit-slack|1234', '1234', true],
    ['user.id|12345', '1234', false],
    ['rule-1234|x', '1234', false],
    ['vip-alerts\u0000thread:1234', '1234', true],
    ['{{ user.email }}|JaneDoe@Example.com', 'janedoe@example.com', true],
    ['{{ user.email }}|xjanedoe@example.com', 'janedoe@example.com', false],
  ])('%j names %j: %s', (key, value, names) => {
    expect(keyNames(key, value)).toBe(names);
  });
});
