import { afterEach, beforeEach, expect, it } from 'vitest';
import type { RecordedCall, Reply } from '../fakes/fake-server.js';
import { hubspotReplies } from '../fakes/fake-hubspot.js';
import { FAULT_RULES, startFaultBridge, type FaultBridge } from './fault-bridge.js';
import { gapMs, type FaultCase } from './fault-case.js';

/**
 * Faults on HubSpot's notes batch (`POST /crm/v3/objects/notes/batch/create`) through the real
 * bridge and @hubspot/api-client against the fake HubSpot. The contact upsert happens first and is
 * idempotent; the note is not, so a retry never follows a note that may exist (timeouts and resets
 * after sending are `ambiguous`), and a job that created its note never creates another.
 */

const RULES = FAULT_RULES.replace(
  'upsert_contact: { email: "{{ user.email }}" } } }]',
  'upsert_contact: { email: "{{ user.email }}" }, note: "Visited {{ server.name }}" } }]',
);
const EMAIL = 'hubspot-1@faults.example';
const isNotes = (c: RecordedCall) => c.path === '/crm/v3/objects/notes/batch/create';
const withCorrelation = (reply: Reply, id: string): Reply => ({ ...reply, body: { ...(reply.body as object), correlationId: id } });

/** The first notes call is created, but answered only after the bridge gave up (ACTION_TIMEOUT_MS). */
function slowFirstNote(f: FaultBridge, ms: number): Promise<void> {
  let first = true;
  let handled!: () => void;
  const done = new Promise<void>((r) => (handled = r));
  f.hubspot.intercept(async (call) => {
    if (!isNotes(call) || !first) return undefined;
    first = false;
    await new Promise((r) => setTimeout(r, ms));
    setImmediate(handled);
    return undefined;
  });
  return done;
}

let fb: FaultBridge;
beforeEach(async () => {
  fb = await startFaultBridge({ rules: RULES, env: { ACTION_TIMEOUT_MS: '1000' } });
});
afterEach(async () => {
  await fb?.close();
});

const cases: FaultCase[] = [
  {
    name: '429 TEN_SECONDLY_ROLLING with Retry-After: 1',
    arrange: (f) => f.hubspot.failNext(1, withCorrelation(hubspotReplies.rateLimited('TEN_SECONDLY_ROLLING', 1), 'c-429'), isNotes),
    status: 'done', attempts: 2, lastError: 'contact 5001 upserted, but hubspot note 429 RATE_LIMITS (correlationId c-429)', delivered: 1, retryAfterMs: 1000,
  },
  { name: 'HTTP 503', arrange: (f) => f.hubspot.failNext(1, hubspotReplies.http(503), isNotes), status: 'done', attempts: 2, lastError: 'contact 5001 upserted, but hubspot note 503', delivered: 1 },
  { name: 'HTTP 500 twice', arrange: (f) => f.hubspot.failNext(2, hubspotReplies.http(500), isNotes), status: 'done', attempts: 3, lastError: 'contact 5001 upserted, but hubspot note 500', delivered: 1 },
  {
    name: 'no answer (timeout)',
    arrange: (f) => f.hubspot.failNext(1, { hang: true }, isNotes),
    status: 'ambiguous', attempts: 1, lastError: 'contact 5001 upserted, but hubspot note timed out, may have been created', delivered: 0,
  },
  {
    name: 'created, answered after the timeout',
    arrange: (f) => slowFirstNote(f, 2000),
    status: 'ambiguous', attempts: 1, lastError: 'contact 5001 upserted, but hubspot note timed out, may have been created', delivered: 1,
  },
  {
    name: 'connection reset after sending',
    arrange: (f) => f.hubspot.failNext(1, { destroy: true }, isNotes),
    status: 'ambiguous', attempts: 1, lastError: 'contact 5001 upserted, but hubspot note request failed, may have been created: ECONNRESET', delivered: 0,
  },
  {
    name: '400 VALIDATION_ERROR',
    arrange: (f) => f.hubspot.failNext(1, withCorrelation(hubspotReplies.error(400, 'VALIDATION_ERROR'), 'c-400'), isNotes),
    status: 'dead', attempts: 1, lastError: 'contact 5001 upserted, but hubspot note 400 VALIDATION_ERROR (correlationId c-400)', delivered: 0,
  },
];

it.each(cases)('notes batch $name → $status after $attempts attempt(s), $delivered note(s)', async (c) => {
  const quiet = c.arrange(fb);
  const id = await fb.send('hubspot', 1);
  const job = await fb.settled(id);
  await quiet;
  await fb.idle();

  expect({ status: job.status, attempts: job.attempts, lastError: job.lastError }).toEqual({ status: c.status, attempts: c.attempts, lastError: c.lastError });
  expect(fb.hubspot.upsertCalls()).toHaveLength(c.attempts);
  expect(fb.hubspot.calls.filter(isNotes)).toHaveLength(c.attempts);
  expect(fb.hubspot.notes.map((n) => n.contactIds)).toEqual(c.delivered > 0 ? [[fb.hubspot.contacts.get(EMAIL)?.id]] : []);
  if (c.retryAfterMs !== undefined) expect(gapMs(fb.hubspot.calls.filter(isNotes))).toBeGreaterThanOrEqual(c.retryAfterMs);
});

it('one rejected note fails only its own job; the notes of the same batch land', async () => {
  await fb.close();
  fb = await startFaultBridge({
    rules: RULES.replace('note: "Visited {{ server.name }}"', 'note: "{{ user.name }} visited"'),
    hubspot: { validateNote: (body) => (body.startsWith('hubspot-3 ') ? 'hs_note_body is invalid' : undefined) },
    // A linger longer than the four sends take, so they go out as one batch whatever the machine's load.
    policy: { batchWaitMs: 2000, batchMaxWaitMs: 5000 },
  });
  const ids = await Promise.all([1, 2, 3, 4].map((n) => fb.send('hubspot', n)));
  const jobs = await Promise.all(ids.map((id) => fb.settled(id)));

  expect(jobs.map((j) => j.status)).toEqual(['done', 'done', 'dead', 'done']);
  expect(jobs[2]?.lastError).toMatch(/^contact \d+ upserted, but hubspot note 400 VALIDATION_ERROR \(correlationId fake-\d+\)$/);
  expect(fb.hubspot.notes.map((n) => n.properties.hs_note_body).sort()).toEqual(['hubspot-1 visited', 'hubspot-2 visited', 'hubspot-4 visited']);
  expect(fb.hubspot.upsertCalls()).toHaveLength(1);
});

it('a replayed job upserts its contact again but creates no second note', async () => {
  const id = await fb.send('hubspot', 1);
  expect(await fb.settled(id)).toMatchObject({ status: 'done', attempts: 1 });
  expect(fb.hubspot.notes).toHaveLength(1);

  await fb.restart(); // the note's id is in the store, not in memory
  expect((await fb.bridge.store.deliveries.requeue([id], Date.now())).requeued).toEqual([{ from: id, to: `${id}#r1` }]);
  fb.bridge.dispatcher.wake();
  const replay = await fb.settled(`${id}#r1`);

  expect(replay).toMatchObject({ status: 'done', ref: fb.hubspot.contacts.get(EMAIL)?.id });
  expect(fb.hubspot.upsertCalls()).toHaveLength(2);
  expect(fb.hubspot.calls.filter(isNotes)).toHaveLength(1);
  expect(fb.hubspot.notes).toHaveLength(1);
});
