import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { activeRules } from '../../src/bridge/active-rules.js';
import { createCrmReader, type ClosableCrmReader } from '../../src/bridge/create-crm-reader.js';
import { loadRulesText, type LoadedRules } from '../../src/config/load-rules.js';
import { createRateLimiter, type RateLimiter } from '../../src/dispatch/rate-limiter.js';
import { createPlanner, type Planner } from '../../src/planner/create-planner.js';
import type { LookupOutcome } from '../../src/planner/crm-reader.js';
import type { SqliteStore } from '../../src/store/sqlite-store.js';
import { hubspotReplies, startFakeHubspot, type FakeHubspot } from '../fakes/fake-hubspot.js';
import type { Reply } from '../fakes/fake-server.js';
import { captureLog } from '../observe/capture-log.js';
import { openTemp, tempDir } from '../store/temp-store.js';

/**
 * CRM conditions through the real planner, store, HubSpot reader and @hubspot/api-client against
 * the fake HubSpot: what is looked up, how often HubSpot is called, the cache, the rate budget, and
 * each on_lookup_error policy on 429 / 5xx / timeouts.
 */

const T0 = Date.UTC(2026, 11, 2, 10, 0, 0);
const clock = { t: T0, now: () => clock.t };
const HOUR = 3_600_000;

function rulesText(policy = 'skip'): string {
  return `version: 1
destinations:
  alerts: { kind: slack, token: "\${SLACK_BOT_TOKEN}", channel: "#vip" }
  crm: { kind: hubspot, access_token: "\${HUBSPOT_ACCESS_TOKEN}", lookup_ttl: 1h }
rules:
  - name: customer-visit
    on: user.visited
    on_lookup_error: ${policy}
    when:
      all:
        - { field: server.id, equals: srv-1 }
        - { field: crm.contact.lifecyclestage, equals: customer }
    actions:
      - slack: { destination: alerts, text: "customer {{ user.name }} visited" }
`;
}

let fake: FakeHubspot;
let dir: string;
let cleanup: () => void;
let store: SqliteStore;
let planner: Planner | undefined;
let reader: ClosableCrmReader | undefined;
let limiter: RateLimiter;
let lookups: [string, LookupOutcome][];
let seq = 0;

beforeAll(async () => {
  fake = await startFakeHubspot({ token: 'pat-test' });
});
afterAll(() => fake.close());
beforeEach(() => {
  clock.t = T0;
  ({ dir, cleanup } = tempDir());
  store = openTemp(dir, clock);
  limiter = createRateLimiter();
  lookups = [];
  fake.contacts.set('jane@example.com', { id: '5001', properties: { email: 'jane@example.com', lifecyclestage: 'customer' } });
  fake.contacts.set('lee@example.com', { id: '5002', properties: { email: 'lee@example.com', lifecyclestage: 'lead' } });
});
afterEach(async () => {
  await planner?.stop();
  planner = undefined;
  reader?.close();
  reader = undefined;
  store.close();
  cleanup();
  fake.reset();
});

function load(text: string): LoadedRules {
  const r = loadRulesText(text, 'r.yaml', { HUBSPOT_ACCESS_TOKEN: 'pat-test' });
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.rules;
}

function startPlanner(policy = 'skip', timeoutMs = 2000): Planner {
  const loaded = load(rulesText(policy));
  const active = activeRules(loaded);
  reader = createCrmReader({ destinations: () => loaded.destinations, limiter, now: clock.now, apiUrl: fake.url, timeoutMs, sleep: async (ms) => void (clock.t += ms) });
  planner = createPlanner({ store: store.planner, rules: () => active, now: clock.now, log: captureLog().log, crm: reader, onCrmLookup: (d, o) => lookups.push([d, o]) });
  return planner;
}

/** Stores a visit by `email` to `server` (as the intake would) and returns its id. */
async function visit(email: string, server = 'srv-1'): Promise<string> {
  seq += 1;
  const id = `e${seq}`;
  const payload = { user: { id: `u-${email}`, name: email.split('@')[0], email }, server: { id: server, name: 'Community' }, event: { name: 'User Visits Server' }, date: new Date(clock.t).toISOString() };
  await store.accept({ id, type: 'user.visited', name: 'User Visits Server', payload: JSON.stringify(payload), rulesVersion: 'v', receivedAt: clock.t });
  return id;
}

/** Plans what is stored (the first call starts the planner: events stored before are planned together). */
async function planned(p: Planner): Promise<void> {
  p.start();
  p.wake();
  await p.idle();
}
const jobsOf = async (id: string) => (await store.deliveries.jobsForEvent(id)).map((j) => j.id);
const summaryOf = async (id: string) => (await store.planner.decisionOf(id))?.summary;
const readInputs = () => fake.readCalls().map((c) => ((c.json as { inputs: { id: string }[] }).inputs.map((i) => i.id)));

describe('what is looked up', () => {
  it('only events whose cheaper conditions pass cost a lookup, and only the properties the rules read', async () => {
    const p = startPlanner();
    const other = [await visit('jane@example.com', 'srv-2'), await visit('lee@example.com', 'srv-3')];
    const jane = await visit('jane@example.com');
    await planned(p);
    expect(readInputs()).toEqual([['jane@example.com']]);
    expect((fake.readCalls()[0]?.json as { properties: string[] }).properties).toEqual(['email', 'lifecyclestage']);
    expect(await jobsOf(jane)).toEqual([`${jane}:customer-visit:0`]);
    for (const id of other) expect(await jobsOf(id)).toEqual([]);
    expect(lookups).toEqual([['crm', 'miss']]);
  });

  it('150 candidate events in one planning batch cost 2 batch reads (100 + 50 emails)', async () => {
    const p = startPlanner();
    const ids: string[] = [];
    for (let i = 0; i < 150; i += 1) ids.push(await visit(`visitor-${i}@example.com`));
    await planned(p);
    expect(readInputs().map((inputs) => inputs.length)).toEqual([100, 50]);
    expect(await summaryOf(ids[0] as string)).toBe('no match; 1 missed');
  });
});

describe('the cache', () => {
  it('answers within lookup_ttl (a "no such contact" too), and HubSpot is asked again after it', async () => {
    const p = startPlanner();
    const first = [await visit('jane@example.com'), await visit('nobody@example.com')];
    await planned(p);
    expect(fake.readCalls()).toHaveLength(1);
    clock.t += HOUR - 1;
    const again = [await visit('jane@example.com'), await visit('nobody@example.com')];
    await planned(p);
    expect(fake.readCalls()).toHaveLength(1);
    expect(await Promise.all([...first, ...again].map(jobsOf))).toEqual([[`${first[0]}:customer-visit:0`], [], [`${again[0]}:customer-visit:0`], []]);
    clock.t += 1;
    // Jane is a lead now: the refetched answer decides.
    fake.contacts.set('jane@example.com', { id: '5001', properties: { email: 'jane@example.com', lifecyclestage: 'lead' } });
    const later = await visit('jane@example.com');
    await planned(p);
    expect(readInputs()).toEqual([['jane@example.com', 'nobody@example.com'], ['jane@example.com']]);
    expect(await jobsOf(later)).toEqual([]);
    expect(lookups).toEqual([['crm', 'miss'], ['crm', 'miss'], ['crm', 'hit'], ['crm', 'hit'], ['crm', 'miss']]);
  });
});

describe('the rate budget', () => {
  it('a lookup takes a slot of the destination budget its sends use, and a 429 pauses it for sends too', async () => {
    const p = startPlanner();
    const key = 'crm\u0000hubspot:HUBSPOT_ACCESS_TOKEN';
    const limit = { key: 'hubspot:HUBSPOT_ACCESS_TOKEN', limit: 100, intervalMs: 10_000 };
    await visit('jane@example.com');
    await planned(p);
    // 100 per 10 s, spaced: the next request of this destination may go 100 ms later.
    expect(limiter.wait(key, limit, clock.t)).toBe(100);
    clock.t += 100;
    fake.failNext(1, hubspotReplies.rateLimited('SECONDLY', 7));
    await visit('lee@example.com');
    await planned(p);
    expect(limiter.wait(key, limit, clock.t)).toBe(7000);
  });
});

describe('when the lookup fails', () => {
  const failures: [string, Reply][] = [
    ['429', hubspotReplies.rateLimited('SECONDLY', 1)],
    ['503', hubspotReplies.http(503)],
    ['timeout', { hang: true }],
  ];
  const reasons: Record<string, string> = {
    '429': 'hubspot read 429 RATE_LIMITS (correlationId fake-N)',
    '503': 'hubspot read 503',
    timeout: 'hubspot read timed out (a read is safe to repeat)',
  };
  const mask = (s: string | undefined) => s?.replace(/fake-\d+/, 'fake-N');

  it.each(failures)('%s, on_lookup_error: skip: a miss that says why', async (name, reply) => {
    const p = startPlanner('skip', 300);
    fake.failNext(1, reply);
    const id = await visit('jane@example.com');
    await planned(p);
    expect(await jobsOf(id)).toEqual([]);
    expect(mask((await store.planner.decisionOf(id))?.rules[0]?.reason)).toBe(`CRM lookup failed (on_lookup_error: skip): ${reasons[name]}`);
    expect(lookups).toEqual([['crm', 'error']]);
  });

  it.each(failures)('%s, on_lookup_error: match: planned as if the CRM tests held', async (_name, reply) => {
    const p = startPlanner('match', 300);
    fake.failNext(1, reply);
    const lee = await visit('lee@example.com');
    await planned(p);
    expect(await jobsOf(lee)).toEqual([`${lee}:customer-visit:0`]);
    expect(await summaryOf(lee)).toBe('matched customer-visit');
  });

  it.each(failures)('%s, on_lookup_error: retry: planned again later with backoff, without holding other events', async (name, reply) => {
    const p = startPlanner('retry', 300);
    fake.failNext(1, reply);
    const jane = await visit('jane@example.com');
    await planned(p);
    // 5 s after the first failure (the 429's Retry-After, 1 s, is shorter).
    const dueAt = new Date(clock.t + 5000).toISOString();
    expect(await jobsOf(jane)).toEqual([]);
    expect(mask((await store.planner.decisionOf(jane))?.rules[0]?.reason)).toBe(`CRM lookup failed (on_lookup_error: retry): ${reasons[name]}; planning it again at ${dueAt}`);
    // Other events go on being planned meanwhile.
    const other = await visit('lee@example.com', 'srv-2');
    await planned(p);
    expect(await summaryOf(other)).toBe('no match; 1 missed');
    expect(fake.readCalls()).toHaveLength(1);
    // Not before it is due; then planned again, and the decision says what came of it.
    clock.t += 4000;
    await planned(p);
    expect(fake.readCalls()).toHaveLength(1);
    clock.t += 1000;
    await planned(p);
    expect(fake.readCalls()).toHaveLength(2);
    expect(await jobsOf(jane)).toEqual([`${jane}:customer-visit:0`]);
    expect(await summaryOf(jane)).toBe('matched customer-visit');
    // Done: nothing more is retried.
    clock.t += HOUR;
    await planned(p);
    expect(fake.readCalls()).toHaveLength(2);
    expect(await store.planner.readScope('crm_retry')).toEqual([]);
  });

  it('retry backs off (5 s, 10 s, 20 s …) and gives up after 10 attempts, leaving the miss', async () => {
    const p = startPlanner('retry', 300);
    fake.failNext(100, hubspotReplies.http(502));
    const jane = await visit('jane@example.com');
    await planned(p);
    const gaps: number[] = [];
    let last = clock.t;
    for (let attempt = 2; attempt <= 10; attempt += 1) {
      const before = fake.readCalls().length;
      while (fake.readCalls().length === before) {
        clock.t += 1000;
        await planned(p);
      }
      gaps.push(clock.t - last);
      last = clock.t;
    }
    expect(gaps).toEqual([5000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 640_000, 1_280_000]);
    expect((await store.planner.decisionOf(jane))?.rules[0]?.reason).toBe('CRM lookup failed (on_lookup_error: retry): hubspot read 502; gave up after 10 attempts');
    expect(await store.planner.readScope('crm_retry')).toEqual([]);
  });
});
