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
/** The same items, each context reporting extra requests into `spent` (the dispatcher charges them). */
const reporting = (list: ReturnType<typeof items>, spent: number[]) => list.map((i) => ({ ...i, ctx: { ...i.ctx, spentRequests: (n: number) => void spent.push(n) } }));
const isNote = (c: RecordedCall) => c.path === '/crm/v3/objects/notes/batch/create';
const NOTE_TTL_MS = 90 * 24 * 60 * 60 * 1000;
/** The note inputs of a recorded batch-create call. */
const noteInputs = (c: RecordedCall | undefined) => (c?.json as { inputs: { properties: Record<string, string>; objectWriteTraceId: string }[] } | undefined)?.inputs ?? [];

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

  it('creates the notes of a batch in ONE batch call after the upsert, each associated with its contact (type 202)', async () => {
    const outcomes = await sendBatch(sender(), items(upsert('ana@example.com', {}, 'Ana visited'), upsert('bo@example.com'), upsert('cy@example.com', {}, 'Cy visited')));
    const [ana, cy] = ['ana@example.com', 'cy@example.com'].map((e) => fake.contacts.get(e)?.id);
    expect(fake.calls.map((c) => c.path)).toEqual(['/crm/v3/objects/contacts/batch/upsert', '/crm/v3/objects/notes/batch/create']);
    expect(fake.calls[1]?.json).toEqual({
      inputs: [
        { properties: { hs_timestamp: '2026-01-02T03:04:05.000Z', hs_note_body: 'Ana visited' }, associations: [{ to: { id: ana }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }] }], objectWriteTraceId: 'note-0' },
        { properties: { hs_timestamp: '2026-01-02T03:04:05.000Z', hs_note_body: 'Cy visited' }, associations: [{ to: { id: cy }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }] }], objectWriteTraceId: 'note-1' },
      ],
    });
    expect(fake.notes.map((n) => [n.contactIds, n.associationTypeIds, n.properties.hs_note_body])).toEqual([[[ana], [202], 'Ana visited'], [[cy], [202], 'Cy visited']]);
    const [anaNote, cyNote] = fake.notes.map((n) => n.id);
    expect(outcomes).toEqual([
      { status: 'ok', ref: ana, detail: { note_id: anaNote }, memos: [{ key: 'note:evt-1:vip-visit:0', value: anaNote, ttlMs: NOTE_TTL_MS }] },
      { status: 'ok', ref: fake.contacts.get('bo@example.com')?.id },
      { status: 'ok', ref: cy, detail: { note_id: cyNote }, memos: [{ key: 'note:evt-1:vip-visit:0', value: cyNote, ttlMs: NOTE_TTL_MS }] },
    ]);
  });

  it('maps notes back by trace id, so two visits of one contact get two notes, each its own job', async () => {
    const s = createHubspotSender(dest, { apiUrl: fake.url, secrets: { access_token: TOKEN }, timeoutMs: 2000 }, () => NOW);
    senders.push(s);
    const list = [upsert('ana@example.com', {}, 'first'), upsert('ana@example.com', {}, 'second')].map((request, n) => ({ request, ctx: sendContext({ jobId: `job-${n}`, idempotencyKey: `e${n}:r:0` }) }));
    const outcomes = await sendBatch(s, list);
    expect(fake.upsertCalls()).toHaveLength(1);
    expect(fake.notes.map((n) => n.properties.hs_note_body)).toEqual(['first', 'second']);
    expect(outcomes.map((o) => o.memos)).toEqual([
      [{ key: 'note:e0:r:0', value: fake.notes[0]?.id, ttlMs: NOTE_TTL_MS }],
      [{ key: 'note:e1:r:0', value: fake.notes[1]?.id, ttlMs: NOTE_TTL_MS }],
    ]);
  });

  it('creates no second note for a job whose note an earlier attempt created (its id is in ctx.memos)', async () => {
    const s = sender();
    const retried = { request: upsert('ana@example.com', {}, 'Ana visited'), ctx: sendContext({ idempotencyKey: 'e1:r:0', memos: { 'note:e1:r:0': '9123' } }) };
    const fresh = { request: upsert('bo@example.com', {}, 'Bo visited'), ctx: sendContext({ idempotencyKey: 'e2:r:0' }) };
    const outcomes = await sendBatch(s, [retried, fresh]);
    expect(noteInputs(fake.calls.find(isNote)).map((i) => i.properties.hs_note_body)).toEqual(['Bo visited']);
    expect(outcomes[0]).toEqual({ status: 'ok', ref: fake.contacts.get('ana@example.com')?.id, detail: { note_id: '9123' } });
    expect(outcomes[1]).toMatchObject({ status: 'ok', detail: { note_id: fake.notes[0]?.id } });

    fake.reset();
    await s.send(retried.request, retried.ctx);
    expect(fake.calls.map((c) => c.path)).toEqual(['/crm/v3/objects/contacts/batch/upsert']);
  });

  it('fails only the job whose note HubSpot rejects: the rejected batch is halved until that note is alone', async () => {
    const strict = await startFakeHubspot({ token: TOKEN, validateNote: (body) => (body.includes('<bad>') ? 'hs_note_body is invalid' : undefined) });
    try {
      const s = createHubspotSender(dest, { apiUrl: strict.url, secrets: { access_token: TOKEN }, timeoutMs: 2000 }, () => NOW);
      senders.push(s);
      const spent: number[] = [];
      const outcomes = await sendBatch(s, reporting(items(...['a', 'b', 'c', 'd'].map((c) => upsert(`${c}@example.com`, {}, c === 'c' ? '<bad>' : `note ${c}`))), spent));
      expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok', 'fail', 'ok']);
      // One upsert and five note batches, against the two the kind counted.
      expect(spent).toEqual([4]);
      expect(outcomes[2]).toEqual({ status: 'fail', reason: expect.stringMatching(/^contact \d+ upserted, but hubspot note 400 VALIDATION_ERROR \(correlationId fake-\d+\)$/) });
      expect(strict.notes.map((n) => n.properties.hs_note_body)).toEqual(['note a', 'note b', 'note d']);
      // all four, then [a, b] and [c, d], then [c] and [d]
      expect(strict.noteCalls().map((c) => noteInputs(c).length)).toEqual([4, 2, 2, 1, 1]);
    } finally {
      await strict.close();
    }
  });

  it('gives per-note outcomes for a 207 multi-status answer', async () => {
    const multi = await startFakeHubspot({ onInvalid: 'multi-status', validateNote: (body) => (body === 'bad' ? 'hs_note_body is invalid' : undefined) });
    try {
      const s = createHubspotSender(dest, { apiUrl: multi.url, secrets: { access_token: TOKEN }, timeoutMs: 2000 }, () => NOW);
      senders.push(s);
      const outcomes = await sendBatch(s, items(upsert('ana@example.com', {}, 'bad'), upsert('bo@example.com', {}, 'good')));
      expect(outcomes[0]).toEqual({ status: 'fail', reason: `contact ${multi.contacts.get('ana@example.com')?.id} upserted, but hubspot note rejected: VALIDATION_ERROR` });
      expect(outcomes[1]).toMatchObject({ status: 'ok', detail: { note_id: multi.notes[0]?.id } });
      expect(multi.noteCalls()).toHaveLength(1);
    } finally {
      await multi.close();
    }
  });

  it('reports no extra requests when nothing is rejected, notes or not', async () => {
    const spent: number[] = [];
    await sendBatch(sender(), reporting(items(upsert('ana@example.com', {}, 'hello'), upsert('bo@example.com')), spent));
    await sendBatch(sender(), reporting(items(upsert('cy@example.com')), spent));
    expect([fake.upsertCalls().length, fake.noteCalls().length, spent]).toEqual([2, 1, []]);
  });

  it('fails an item with no usable email without sending it, and sends the rest', async () => {
    const outcomes = await sendBatch(sender(), items(upsert(''), upsert('ana@example.com')));
    expect(outcomes[0]).toEqual({ status: 'fail', reason: 'hubspot upsert: the contact email is empty or not an email address' });
    expect(outcomes[1]).toMatchObject({ status: 'ok' });
    expect((fake.calls[0]?.json as { inputs: unknown[] }).inputs).toHaveLength(1);
  });

  it('isolates a contact HubSpot rejects, so the rest of the batch still lands', async () => {
    const spent: number[] = [];
    const outcomes = await sendBatch(sender(), reporting(items(upsert('ana@example.com'), upsert('bad@example.com'), upsert('bo@example.com'), upsert('cy@example.com')), spent));
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'fail', 'ok', 'ok']);
    // Five upserts against the one the kind counted: the dispatcher is told of the other four.
    expect(spent).toEqual([4]);
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
    ['429', hubspotReplies.rateLimited('TEN_SECONDLY_ROLLING'), { status: 'retry', reason: expect.stringMatching(/^contact \d+ upserted, but hubspot note 429 RATE_LIMITS \(correlationId fake-\d+\)$/), retryAfterMs: 10_000 }],
    ['401', hubspotReplies.error(401, 'INVALID_AUTHENTICATION'), { status: 'fail', reason: expect.stringMatching(/^contact \d+ upserted, but hubspot note 401 INVALID_AUTHENTICATION \(correlationId fake-\d+\)$/) }],
    ['429 with Retry-After', hubspotReplies.rateLimited('TEN_SECONDLY_ROLLING', 2), { status: 'retry', reason: expect.stringMatching(/^contact \d+ upserted, but hubspot note 429 RATE_LIMITS/), retryAfterMs: 2_000 }],
    ['500', hubspotReplies.http(500), { status: 'retry', reason: expect.stringMatching(/^contact \d+ upserted, but hubspot note 500$/) }],
    ['503', hubspotReplies.http(503), { status: 'retry', reason: expect.stringMatching(/^contact \d+ upserted, but hubspot note 503$/) }],
    ['reset after sending (a note is not idempotent)', { destroy: true }, { status: 'ambiguous', reason: expect.stringMatching(/^contact \d+ upserted, but hubspot note request failed, may have been created: ECONNRESET$/) }],
    ['no answer (a note is not idempotent)', { hang: true }, { status: 'ambiguous', reason: expect.stringMatching(/^contact \d+ upserted, but hubspot note timed out, may have been created$/) }],
  ])('notes batch %s: every job of the call gets the same outcome, its contact upserted, no note', async (_name, reply, expected) => {
    fake.failNext(1, reply, isNote);
    const outcomes = await sendBatch(sender(200), items(upsert('ana@example.com', {}, 'hello'), upsert('bo@example.com', {}, 'hi')));
    expect(outcomes).toEqual([expected, expected]);
    expect(outcomes[0]).not.toHaveProperty('memos');
    expect([...fake.contacts.keys()]).toEqual(['ana@example.com', 'bo@example.com']);
    expect(fake.noteCalls()).toHaveLength(1); // no client retries, no halving
    expect(fake.notes).toEqual([]);
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
