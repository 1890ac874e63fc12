import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { startFakeHubspot, type FakeHubspot } from '../fakes/fake-hubspot.js';
import { openTemp, tempDir } from '../store/temp-store.js';
import { runCli } from './run-cli.js';

/**
 * `bridge test --event` with a rule that reads `crm.contact.*`: the values are looked up through
 * the real HubSpot client against the fake (nothing cached, nothing sent), or with --offline read
 * from the bridge's cache in its data folder, with no network at all.
 */

const VISIT = 'test/fixtures/events/visit.json';
const AT = '2025-09-02T09:41:05Z';
const RULES = `version: 1
destinations:
  alerts: { kind: slack, token: "\${SLACK_BOT_TOKEN}", channel: "#vip" }
  crm: { kind: hubspot, access_token: "\${HUBSPOT_ACCESS_TOKEN}" }
rules:
  - name: customer-visit
    on: user.visited
    when: { field: crm.contact.lifecyclestage, equals: customer }
    actions:
      - slack: { destination: alerts, text: "customer {{ user.name }} visited" }
`;

let fake: FakeHubspot;
beforeAll(async () => {
  fake = await startFakeHubspot({ token: 'pat-test' });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.contacts.clear();
});

function rulesFile(): string {
  const { dir, cleanup } = tempDir();
  onTestFinished(cleanup);
  const file = join(dir, 'rules.yaml');
  writeFileSync(file, RULES);
  return file;
}

const live = () => ({ HUBSPOT_ACCESS_TOKEN: 'pat-test', HUBSPOT_API_URL: fake.url });

describe('bridge test --event looks the contact up live', () => {
  it('shows the looked-up values and plans with them; one batch read, nothing written', async () => {
    fake.contacts.set('janedoe@example.com', { id: '501', properties: { email: 'janedoe@example.com', lifecyclestage: 'customer' } });
    const r = await runCli(['test', '--event', VISIT, '--at', AT, '--rules', rulesFile()], live());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 5)).toEqual([
      'crm crm janedoe@example.com: lifecyclestage="customer" (live)',
      '',
      expect.stringMatching(/^event user\.visited c_[0-9a-f]{32} \("User Visits Server"\)$/),
      '',
      'MATCH customer-visit',
    ]);
    expect(r.stdout).toContain('    ✓ crm.contact.lifecyclestage equals "customer"  (actual: "customer")');
    expect(fake.readCalls()).toHaveLength(1);
    expect(fake.upsertCalls()).toEqual([]);
  });

  it('a contact HubSpot does not have: "no such contact", and the rule misses', async () => {
    const r = await runCli(['test', '--event', VISIT, '--at', AT, '--rules', rulesFile(), '--json'], live());
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.crm).toEqual([{ destination: 'crm', email: 'janedoe@example.com', source: 'live', contact: null }]);
    expect(out.matches).toEqual([]);
  });

  it('a destination without its token: the values are unknown, and why', async () => {
    const r = await runCli(['test', '--event', VISIT, '--at', AT, '--rules', rulesFile()], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('crm crm janedoe@example.com: unknown: hubspot destination "crm" runs dry (its access token is not set): nothing to look up\n');
    expect(r.stdout).toContain('miss  customer-visit: undecided: hubspot destination "crm" runs dry (its access token is not set): nothing to look up');
    expect(fake.calls).toEqual([]);
  });
});

describe('bridge test --event --offline reads only the bridge’s cache', () => {
  const seedCache = async (dir: string, contact: Record<string, string | null> | null, at: number): Promise<void> => {
    const store = openTemp(dir, { now: () => at });
    try {
      await store.planner.commitPlans({
        events: [],
        now: at,
        state: [{ scope: 'crm', key: 'crm|janedoe@example.com', value: { at, properties: ['lifecyclestage'], contact }, expiresAt: at + 3_600_000 }],
      });
    } finally {
      store.close();
    }
  };

  it('a cached answer: shown as cached, planned with, and HubSpot is not called', async () => {
    const { dir, cleanup } = tempDir();
    onTestFinished(cleanup);
    await seedCache(dir, { lifecyclestage: 'customer' }, Date.parse(AT) - 60_000);
    const r = await runCli(['test', '--event', VISIT, '--at', AT, '--rules', rulesFile(), '--offline', '--data', dir], live());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^crm crm janedoe@example\.com: lifecyclestage="customer" \(cached\)\n/);
    expect(r.stdout).toContain('MATCH customer-visit');
    expect(fake.calls).toEqual([]);
  });

  it('nothing cached (or the answer is older than lookup_ttl): unknown, and HubSpot is not called', async () => {
    const { dir, cleanup } = tempDir();
    onTestFinished(cleanup);
    await seedCache(dir, { lifecyclestage: 'customer' }, Date.parse(AT) - 2 * 3_600_000);
    const r = await runCli(['test', '--event', VISIT, '--at', AT, '--rules', rulesFile(), '--offline', '--data', dir], live());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('crm crm janedoe@example.com: unknown: not in the bridge’s cache (--offline reads only the cache)\n');
    expect(r.stdout).toContain('miss  customer-visit: undecided: not in the bridge’s cache (--offline reads only the cache)');
    expect(fake.calls).toEqual([]);
  });

  it.each([
    [['test', '--offline', '--event-id', 'x'], 'bridge test: --offline goes with --event (the CRM cache it reads is the bridge\'s, in --data DIR or DATA_DIR)'],
    [['test', '--event', VISIT, '--data', '/tmp'], 'bridge test: --data goes with --event-id or --offline'],
  ])('usage: %j', async (argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(message);
  });
});
