import { afterEach, expect, it } from 'vitest';
import { FAULT_RULES, startFaultBridge, type FaultBridge } from './fault-bridge.js';

/**
 * Visits with a note trickle in, through the real bridge and @hubspot/api-client, against a fake
 * HubSpot that allows 10 requests per rolling 10 s strictly (429 beyond, as HubSpot's
 * TEN_SECONDLY_ROLLING limit does). Each call is two requests (the batch upsert, then the notes
 * batch), so the pacing must count two: counted as one, calls a second apart make 20 requests in
 * 10 s and the fake refuses the eleventh.
 */
const LIMIT = 10;
const VISITS = 24;
const RULES = FAULT_RULES.replace('access_token: "${HUBSPOT_ACCESS_TOKEN}" }', `access_token: "\${HUBSPOT_ACCESS_TOKEN}", requests_per_10s: ${LIMIT} }`).replace(
  'upsert_contact: { email: "{{ user.email }}" } } }]',
  'upsert_contact: { email: "{{ user.email }}" }, note: "Visited {{ server.name }}" } }]',
);

let fb: FaultBridge | undefined;
afterEach(async () => {
  await fb?.close();
  fb = undefined;
});

it(`visits with notes, one every 300 ms, get no 429 from a strict ${LIMIT}-requests-per-10-s fake`, async () => {
  expect(RULES).toContain(`requests_per_10s: ${LIMIT}`);
  expect(RULES).toContain('note: "Visited');
  fb = await startFaultBridge({ rules: RULES, hubspot: { rateLimit: { limit: LIMIT, windowMs: 10_000 } } });
  const bridge = fb;
  const ids: string[] = [];
  for (let n = 0; n < VISITS; n++) {
    ids.push(await bridge.send('hubspot', n));
    await new Promise((r) => setTimeout(r, 300));
  }
  const jobs = [];
  for (const id of ids) jobs.push(await bridge.settled(id, 60_000));

  expect(bridge.hubspot.rateLimitRefusals()).toBe(0);
  expect(jobs.map((j) => [j.status, j.attempts])).toEqual(ids.map(() => ['done', 1]));
  expect(bridge.hubspot.notes).toHaveLength(VISITS);
  // Calls of two requests each: as many note batches as upserts.
  expect(bridge.hubspot.noteCalls()).toHaveLength(bridge.hubspot.upsertCalls().length);
}, 90_000);
