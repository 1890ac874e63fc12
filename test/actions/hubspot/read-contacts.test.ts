import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createContactReader, type ContactReader, type ReadOutcome } from '../../../src/actions/hubspot/read-contacts.js';
import { hubspotReplies, startFakeHubspot, type FakeHubspot } from '../../fakes/fake-hubspot.js';
import type { Reply } from '../../fakes/fake-server.js';
import { closedPortUrl } from '../send-context.js';

/** The CRM lookup's HubSpot client: batch read by email through @hubspot/api-client against the fake HubSpot. */

let fake: FakeHubspot;
const readers: ContactReader[] = [];
beforeAll(async () => {
  fake = await startFakeHubspot({ token: 'pat-test' });
});
afterEach(() => {
  fake.reset();
  for (const r of readers.splice(0)) r.close();
});
afterAll(() => fake.close());

function reader(timeoutMs = 2000, apiUrl = fake.url): ContactReader {
  const r = createContactReader({ apiUrl, secrets: { access_token: 'pat-test' }, timeoutMs });
  readers.push(r);
  return r;
}

const jane = { id: '5001', properties: { email: 'janedoe@example.com', lifecyclestage: 'customer', hs_lead_status: 'OPEN' } };

describe('batch read by email', () => {
  it('sends idProperty email, the properties asked for (email always) and one input per email; a contact found has its properties, null where it has no value', async () => {
    fake.contacts.set('janedoe@example.com', jane);
    const outcome = await reader().read(['janedoe@example.com'], ['lifecyclestage', 'hubspot_owner_id']);

    expect(fake.readCalls().map((c) => c.json)).toEqual([
      { idProperty: 'email', inputs: [{ id: 'janedoe@example.com' }], properties: ['email', 'lifecyclestage', 'hubspot_owner_id'], propertiesWithHistory: [] },
    ]);
    expect(fake.readCalls()[0]?.url).toBe('/crm/v3/objects/contacts/batch/read?archived=false');
    expect(outcome).toEqual({ status: 'ok', contacts: new Map([['janedoe@example.com', { lifecyclestage: 'customer', hubspot_owner_id: null }]]) });
  });

  it('an email HubSpot has no contact for (207 OBJECT_NOT_FOUND) is null: no such contact, not an error', async () => {
    fake.contacts.set('janedoe@example.com', jane);
    const outcome = await reader().read(['janedoe@example.com', 'nobody@example.com'], ['lifecyclestage']);
    expect(outcome).toEqual({
      status: 'ok',
      contacts: new Map([
        ['janedoe@example.com', { lifecyclestage: 'customer' }],
        ['nobody@example.com', null],
      ]),
    });
  });

  it('refuses more than 100 emails without calling HubSpot; none costs no call', async () => {
    const many = Array.from({ length: 101 }, (_, i) => `u${i}@example.com`);
    expect(await reader().read(many, ['lifecyclestage'])).toEqual({ status: 'fail', reason: 'hubspot read: at most 100 emails a call (got 101)' });
    expect(await reader().read([], ['lifecyclestage'])).toEqual({ status: 'ok', contacts: new Map() });
    expect(fake.readCalls()).toHaveLength(0);
  });
});

describe('read errors are classified, without emails in the reason', () => {
  const cases: [string, Reply, ReadOutcome][] = [
    ['429 ten-secondly', hubspotReplies.rateLimited(), { status: 'retry', reason: 'hubspot read 429 RATE_LIMITS (correlationId fake-N)', retryAfterMs: 10_000 }],
    ['429 with Retry-After: 2', hubspotReplies.rateLimited('SECONDLY', 2), { status: 'retry', reason: 'hubspot read 429 RATE_LIMITS (correlationId fake-N)', retryAfterMs: 2000 }],
    ['502', hubspotReplies.http(502), { status: 'retry', reason: 'hubspot read 502' }],
    ['503', hubspotReplies.http(503), { status: 'retry', reason: 'hubspot read 503' }],
    ['401', hubspotReplies.error(401, 'INVALID_AUTHENTICATION'), { status: 'fail', reason: 'hubspot read 401 INVALID_AUTHENTICATION (correlationId fake-N)' }],
    ['403 missing scope', hubspotReplies.error(403, 'MISSING_SCOPES'), { status: 'fail', reason: 'hubspot read 403 MISSING_SCOPES (correlationId fake-N)' }],
    ['no answer within the timeout', { hang: true }, { status: 'retry', reason: 'hubspot read timed out (a read is safe to repeat)' }],
  ];

  it.each(cases)('%s', async (_name, reply, expected) => {
    fake.failNext(1, reply);
    const outcome = await reader(300).read(['janedoe@example.com'], ['lifecyclestage']);
    const masked = 'reason' in outcome ? { ...outcome, reason: outcome.reason.replace(/fake-\d+/, 'fake-N') } : outcome;
    expect(masked).toEqual(expected);
    expect(JSON.stringify(outcome)).not.toContain('janedoe');
  });

  it('a refused connection is retried', async () => {
    const r = reader(2000, await closedPortUrl());
    expect(await r.read(['janedoe@example.com'], ['lifecyclestage'])).toEqual({ status: 'retry', reason: 'hubspot read connection failed before sending: ECONNREFUSED' });
  });
});
