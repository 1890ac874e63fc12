import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Reply } from '../fakes/fake-server.js';
import { hubspotReplies } from '../fakes/fake-hubspot.js';
import { startFaultBridge, type FaultBridge } from './fault-bridge.js';
import { gapMs, slowFirst, type FaultCase } from './fault-case.js';

/**
 * HubSpot faults through the real @hubspot/api-client against the fake HubSpot. A contact upsert by
 * email is idempotent, so timeouts and resets after sending are retried like any transient
 * failure, and the contact still exists once.
 */

let fb: FaultBridge;
beforeEach(async () => {
  fb = await startFaultBridge({ env: { ACTION_TIMEOUT_MS: '1000' } });
});
afterEach(async () => {
  await fb?.close();
});

/** HubSpot's error body with a fixed correlationId, so the recorded reason is exact. */
const withCorrelation = (reply: Reply, id: string): Reply => ({ ...reply, body: { ...(reply.body as object), correlationId: id } });
const EMAIL = 'hubspot-1@faults.example';

const cases: FaultCase[] = [
  {
    name: '429 TEN_SECONDLY_ROLLING with Retry-After: 1',
    arrange: (f) => f.hubspot.failNext(1, withCorrelation(hubspotReplies.rateLimited('TEN_SECONDLY_ROLLING', 1), 'c-429')),
    status: 'done', attempts: 2, lastError: 'hubspot upsert 429 RATE_LIMITS (correlationId c-429)', delivered: 1, retryAfterMs: 1000,
  },
  { name: 'HTTP 503', arrange: (f) => f.hubspot.failNext(1, hubspotReplies.http(503)), status: 'done', attempts: 2, lastError: 'hubspot upsert 503', delivered: 1 },
  { name: 'HTTP 500 twice', arrange: (f) => f.hubspot.failNext(2, hubspotReplies.http(500)), status: 'done', attempts: 3, lastError: 'hubspot upsert 500', delivered: 1 },
  { name: 'no answer (timeout)', arrange: (f) => f.hubspot.failNext(1, { hang: true }), status: 'done', attempts: 2, lastError: 'hubspot upsert timed out (an upsert is safe to repeat)', delivered: 1 },
  { name: 'upserted, answered after the timeout', arrange: (f) => slowFirst(f.hubspot, 2000), status: 'done', attempts: 2, lastError: 'hubspot upsert timed out (an upsert is safe to repeat)', delivered: 1 },
  { name: 'connection reset after sending', arrange: (f) => f.hubspot.failNext(1, { destroy: true }), status: 'done', attempts: 2, lastError: 'hubspot upsert request failed: ECONNRESET', delivered: 1 },
  {
    name: '400 VALIDATION_ERROR',
    arrange: (f) => f.hubspot.failNext(1, withCorrelation(hubspotReplies.error(400, 'VALIDATION_ERROR'), 'c-400')),
    status: 'dead', attempts: 1, lastError: 'hubspot upsert 400 VALIDATION_ERROR (correlationId c-400)', delivered: 0,
  },
  {
    name: '401 INVALID_AUTHENTICATION',
    arrange: (f) => f.hubspot.failNext(1, withCorrelation(hubspotReplies.error(401, 'INVALID_AUTHENTICATION'), 'c-401')),
    status: 'dead', attempts: 1, lastError: 'hubspot upsert 401 INVALID_AUTHENTICATION (correlationId c-401)', delivered: 0,
  },
];

it.each(cases)('hubspot $name → $status after $attempts attempt(s)', async (c) => {
  const quiet = c.arrange(fb);
  const id = await fb.send('hubspot', 1);
  const job = await fb.settled(id);
  await quiet;
  await fb.idle();

  expect({ status: job.status, attempts: job.attempts, lastError: job.lastError }).toEqual({ status: c.status, attempts: c.attempts, lastError: c.lastError });
  const upserts = fb.hubspot.upsertCalls();
  expect(upserts).toHaveLength(c.attempts);
  expect([...fb.hubspot.contacts.keys()]).toEqual(c.delivered > 0 ? [EMAIL] : []);
  expect(job.ref).toBe(job.status === 'done' ? fb.hubspot.contacts.get(EMAIL)?.id : null);
  if (c.retryAfterMs !== undefined) expect(gapMs(upserts)).toBeGreaterThanOrEqual(c.retryAfterMs);
});

it('a 429 holds every upsert on that token for Retry-After, then they go out together in one batch', async () => {
  fb.hubspot.failNext(1, hubspotReplies.rateLimited('TEN_SECONDLY_ROLLING', 1));
  const first = await fb.send('hubspot', 1);
  await fb.hubspot.waitFor(() => fb.hubspot.calls.length === 1);
  await fb.idle();
  const later = await Promise.all([2, 3, 4].map((n) => fb.send('hubspot', n)));
  await Promise.all([first, ...later].map((id) => fb.settled(id)));

  const [limited, ...rest] = fb.hubspot.upsertCalls();
  expect(rest.map((call) => (call.json as { inputs: { id: string }[] }).inputs.map((i) => i.id).sort())).toEqual([
    ['hubspot-1@faults.example', 'hubspot-2@faults.example', 'hubspot-3@faults.example', 'hubspot-4@faults.example'],
  ]);
  expect(rest[0]!.at - limited!.at).toBeGreaterThanOrEqual(1000);
  expect((await Promise.all(later.map((id) => fb.job(id)))).map((j) => j.attempts)).toEqual([1, 1, 1]);
});
