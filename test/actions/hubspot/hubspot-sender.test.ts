import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome, Sender } from '../../../src/actions/action.js';
import { createHubspotSender } from '../../../src/actions/hubspot/create-hubspot-sender.js';
import type { HubspotRequest } from '../../../src/actions/hubspot/hubspot-request.js';
import { hubspotReplies, startFakeHubspot, type FakeHubspot } from '../../fakes/fake-hubspot.js';
import type { RecordedCall, Reply } from '../../fakes/fake-server.js';
import { closedPortUrl, sendContext } from '../send-context.js';

const TOKEN = 'pat-na1-test';
const dest = { kind: 'hubspot', access_token: '${HUBSPOT_ACCESS_TOKEN}', requests_per_10s: 100 } as const;
const NOW = Date.parse('2026-01-02T03:04:05.000Z');
const upsert = (email: string, properties: Record<string, string> = {}, note?: string): HubspotRequest => ({
  upsert: { idProperty: 'email', id: email, properties: { ...properties, email } },
  ...(note !== undefined && { note }),
});
const items = (...requests: HubspotRequest[]) => requests.map((request, n) => ({ request, ctx: sendContext({ jobId: `job-${n}` }) }));
const isNote = (c: RecordedCall) => c.path === '/crm/v3/objects/notes';

let fake: FakeHubspot;
const senders: Sender<HubspotRequest>[] = [];
beforeAll(async () => {
  fake = await startFakeHubspot({ token: TOKEN, reverseResults: true, validate: (i) => (i.id.startsWith('bad') ? 'Email address is invalid' : undefined) });
});
afterEach(async () => {
  fake.reset();
  await Promise.all(senders.splice(0).map((s) => s.close?.()));
});
afterAll(() => fake.close());

function sender(timeoutMs = 2000, apiUrl = fake.url) {
  const s = createHubspotSender(dest, { apiUrl, secrets: { access_token: TOKEN }, timeoutMs }, () => NOW);
  senders.push(s);
  return s;
}
const sendBatch = (s: Sender<HubspotRequest>, list: ReturnType<typeof items>) => {
  if (s.sendBatch === undefined) throw new Error('hubspot sender has no sendBatch');
  return s.sendBatch(list);
};

describe('hubspot sender through @hubspot/api-client', () => {
  it('upserts N contacts in ONE batch call with idProperty email, and maps ids back', async () => {
    const s = sender();
    expect(s.maxBatch).toBe(100);
    const outcomes = await sendBatch(s, items(upsert('ana@example.com', { firstname: 'Ana' }), upsert('bo@example.com'), upsert('cy@example.com')));

    expect(fake.calls).toHaveLength(1);
    const [call] = fake.calls;
    expect(call?.method).toBe('POST');
    expect(call?.path).toBe('/crm/v3/objects/contacts/batch/upsert');
    expect(call?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(call?.json).toEqual({
      inputs: [
        { idProperty: 'email', id: 'ana@example.com', objectWriteTraceId: 'bridge-0', properties: { firstname: 'Ana', email: 'ana@example.com' } },
        { idProperty: 'email', id: 'bo@example.com', objectWriteTraceId: 'bridge-1', properties: { email: 'bo@example.com' } },
        { idProperty: 'email', id: 'cy@example.com', objectWriteTraceId: 'bridge-2', properties: { email: 'cy@example.com' } },
      ],
    });
    const ids = ['ana@example.com', 'bo@example.com', 'cy@example.com'].map((e) => fake.contacts.get(e)?.id);
    expect(outcomes).toEqual(ids.map((id) => ({ status: 'ok', ref: id })));
  });

  it('merges items with the same email into one input (last value wins) and gives them the same outcome', async () => {
    const outcomes = await sendBatch(sender(), items(upsert('ana@example.com', { a: '1', b: '1' }), upsert('bo@example.com'), upsert('ana@example.com', { b: '2' })));
    expect((fake.calls[0]?.json as { inputs: unknown[] }).inputs).toEqual([
      { idProperty: 'email', id: 'ana@example.com', objectWriteTraceId: 'bridge-0', properties: { a: '1', b: '2', email: 'ana@example.com' } },
      { idProperty: 'email', id: 'bo@example.com', objectWriteTraceId: 'bridge-1', properties: { email: 'bo@example.com' } },
    ]);
    expect(outcomes[0]).toEqual(outcomes[2]);
    expect(outcomes[0]).toEqual({ status: 'ok', ref: fake.contacts.get('ana@example.com')?.id });
  });

  it('is idempotent: a repeated upsert updates the same contact', async () => {
    const s = sender();
    const [first] = await sendBatch(s, items(upsert('ana@example.com', { n: '1' })));
    const second = await s.send(upsert('ana@example.com', { n: '2' }), sendContext());
    expect(second).toEqual(first);
    expect(fake.contacts.size).toBe(1);
    expect(fake.contacts.get('ana@example.com')?.properties.n).toBe('2');
  });

  it('adds a note associated with the contact (type 202) after the upsert', async () => {
    const outcomes = await sendBatch(sender(), items(upsert('ana@example.com', {}, 'Visited the server'), upsert('bo@example.com')));
    const contactId = fake.contacts.get('ana@example.com')?.id;
    const note = fake.calls.find(isNote);
    expect(note?.json).toEqual({
      properties: { hs_timestamp: '2026-01-02T03:04:05.000Z', hs_note_body: 'Visited the server' },
      associations: [{ to: { id: contactId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }] }],
    });
    expect(fake.notes).toHaveLength(1);
    expect(outcomes[0]).toEqual({ status: 'ok', ref: contactId, detail: { note_id: fake.notes[0]?.id } });
  });

  it('fails an item with no usable email without sending it, and sends the rest', async () => {
    const outcomes = await sendBatch(sender(), items(upsert(''), upsert('ana@example.com')));
    expect(outcomes[0]).toEqual({ status: 'fail', reason: 'hubspot upsert: the contact email is empty or not an email address' });
    expect(outcomes[1]).toMatchObject({ status: 'ok' });
    expect((fake.calls[0]?.json as { inputs: unknown[] }).inputs).toHaveLength(1);
  });

  it('isolates a contact HubSpot rejects, so the rest of the batch still lands', async () => {
    const outcomes = await sendBatch(sender(), items(upsert('ana@example.com'), upsert('bad@example.com'), upsert('bo@example.com'), upsert('cy@example.com')));
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'fail', 'ok', 'ok']);
    expect(outcomes[1]).toEqual({ status: 'fail', reason: expect.stringMatching(/^hubspot upsert 400 VALIDATION_ERROR \(correlationId fake-\d+\)$/) });
    expect(fake.upsertCalls()).toHaveLength(5); // all four, two halves, then the failing half split
  });

  it('gives per-item outcomes for a 207 multi-status answer', async () => {
    const multi = await startFakeHubspot({ onInvalid: 'multi-status', validate: (i) => (i.id.startsWith('bad') ? 'Email address is invalid' : undefined) });
    try {
      const s = createHubspotSender(dest, { apiUrl: multi.url, secrets: { access_token: TOKEN }, timeoutMs: 2000 });
      senders.push(s);
      const outcomes = await sendBatch(s, items(upsert('bad@example.com'), upsert('ana@example.com')));
      expect(outcomes).toEqual([
        { status: 'fail', reason: 'hubspot upsert rejected this contact: VALIDATION_ERROR' },
        { status: 'ok', ref: multi.contacts.get('ana@example.com')?.id },
      ]);
      expect(multi.calls).toHaveLength(1);
    } finally {
      await multi.close();
    }
  });

  it('never puts the response body (emails) or the token into a reason', async () => {
    fake.failNext(1, hubspotReplies.error(400, 'VALIDATION_ERROR', 'Property values were not valid: ana@example.com'));
    const outcome = await sender().send(upsert('ana@example.com'), sendContext());
    expect(outcome).toMatchObject({ status: 'fail' });
    expect(JSON.stringify(outcome)).not.toMatch(/ana@example\.com|pat-na1/);
  });
});

describe('hubspot classification through the fake', () => {
  it.each<[string, Reply, Outcome]>([
    ['429 ten-secondly', hubspotReplies.rateLimited('TEN_SECONDLY_ROLLING'), { status: 'retry', reason: expect.stringMatching(/^hubspot upsert 429 RATE_LIMITS \(correlationId fake-\d+\)$/), retryAfterMs: 10_000 }],
    ['429 secondly', hubspotReplies.rateLimited('SECONDLY'), { status: 'retry', reason: expect.stringContaining('hubspot upsert 429'), retryAfterMs: 1_000 }],
    ['429 daily', hubspotReplies.rateLimited('DAILY'), { status: 'retry', reason: expect.stringContaining('hubspot upsert 429'), retryAfterMs: 3_600_000 }],
    ['429 with Retry-After', hubspotReplies.rateLimited('TEN_SECONDLY_ROLLING', 3), { status: 'retry', reason: expect.stringContaining('hubspot upsert 429'), retryAfterMs: 3_000 }],
    ['401', hubspotReplies.error(401, 'INVALID_AUTHENTICATION'), { status: 'fail', reason: expect.stringMatching(/^hubspot upsert 401 INVALID_AUTHENTICATION \(correlationId fake-\d+\)$/) }],
    ['403', hubspotReplies.error(403, 'MISSING_SCOPES'), { status: 'fail', reason: expect.stringContaining('hubspot upsert 403 MISSING_SCOPES') }],
    ['404', hubspotReplies.error(404, 'OBJECT_NOT_FOUND'), { status: 'fail', reason: expect.stringContaining('hubspot upsert 404 OBJECT_NOT_FOUND') }],
    ['400 for a single contact', hubspotReplies.error(400, 'VALIDATION_ERROR'), { status: 'fail', reason: expect.stringContaining('hubspot upsert 400 VALIDATION_ERROR') }],
    ['500', hubspotReplies.http(500), { status: 'retry', reason: 'hubspot upsert 500' }],
    ['502 HTML', hubspotReplies.http(502), { status: 'retry', reason: 'hubspot upsert 502' }],
    ['reset after sending (an upsert is safe to repeat)', { destroy: true }, { status: 'retry', reason: 'hubspot upsert request failed: ECONNRESET' }],
    ['no answer (an upsert is safe to repeat)', { hang: true }, { status: 'retry', reason: 'hubspot upsert timed out (an upsert is safe to repeat)' }],
  ])('upsert %s', async (_name, reply, expected) => {
    fake.failNext(1, reply);
    expect(await sender(200).send(upsert('ana@example.com'), sendContext())).toEqual(expected);
    expect(fake.calls).toHaveLength(1); // no client retries
  });

  it.each<[string, Reply, Outcome]>([
    ['400', hubspotReplies.error(400, 'VALIDATION_ERROR'), { status: 'fail', reason: expect.stringMatching(/^contact \d+ upserted, but hubspot note 400 VALIDATION_ERROR/) }],
    ['429', hubspotReplies.rateLimited('TEN_SECONDLY_ROLLING'), { status: 'retry', reason: expect.stringMatching(/^contact \d+ upserted, but hubspot note 429/), retryAfterMs: 10_000 }],
    ['reset after sending (a note is not idempotent)', { destroy: true }, { status: 'ambiguous', reason: expect.stringMatching(/^contact \d+ upserted, but hubspot note request failed, may have been created: ECONNRESET$/) }],
    ['no answer (a note is not idempotent)', { hang: true }, { status: 'ambiguous', reason: expect.stringMatching(/^contact \d+ upserted, but hubspot note timed out, may have been created$/) }],
  ])('note %s', async (_name, reply, expected) => {
    fake.failNext(1, reply, isNote);
    expect(await sender(200).send(upsert('ana@example.com', {}, 'hello'), sendContext())).toEqual(expected);
    expect(fake.contacts.has('ana@example.com')).toBe(true);
  });

  it('classifies a refused connection as retry', async () => {
    const s = sender(2000, await closedPortUrl());
    expect(await s.send(upsert('ana@example.com'), sendContext())).toEqual({ status: 'retry', reason: 'hubspot upsert connection failed before sending: ECONNREFUSED' });
  });

  it('does not send for a job cancelled before the attempt', async () => {
    const aborted = new AbortController();
    aborted.abort();
    expect(await sender().send(upsert('ana@example.com'), sendContext({ signal: aborted.signal }))).toEqual({ status: 'retry', reason: 'hubspot upsert cancelled before sending' });
    expect(fake.calls).toHaveLength(0);
  });

  it('answers 429 TEN_SECONDLY_ROLLING once the fake’s own rate limit is spent', async () => {
    let t = 0;
    const limited = await startFakeHubspot({ rateLimit: { limit: 2, windowMs: 10_000 }, now: () => t });
    try {
      const s = createHubspotSender(dest, { apiUrl: limited.url, secrets: { access_token: TOKEN }, timeoutMs: 2000 });
      senders.push(s);
      const statuses = [];
      for (let n = 0; n < 3; n++) statuses.push((await s.send(upsert('ana@example.com'), sendContext())).status);
      t = 10_000; // the window rolls on
      statuses.push((await s.send(upsert('ana@example.com'), sendContext())).status);
      expect(statuses).toEqual(['ok', 'ok', 'retry', 'ok']);
    } finally {
      await limited.close();
    }
  });
});
