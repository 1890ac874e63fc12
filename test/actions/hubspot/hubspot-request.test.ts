import { describe, expect, it } from 'vitest';
import { hubspotKind } from '../../../src/actions/hubspot/hubspot-kind.js';
import type { HubspotDestination, HubspotParams } from '../../../src/actions/hubspot/hubspot-config.js';
import { HUBSPOT_VALUE_MAX, TRUNCATION_MARKER, fitHubspotValue } from '../../../src/actions/hubspot/hubspot-limits.js';
import { renderWith } from '../send-context.js';

const dest: HubspotDestination = { kind: 'hubspot', access_token: '${HUBSPOT_ACCESS_TOKEN}', requests_per_10s: 100 };
const render = renderWith(hubspotKind.escape, {
  email: '  JaneDoe@Example.COM ',
  name: '<!channel> @everyone [x](https://evil)',
  date: '2026-01-01T00:00:00Z',
  bio: 'b'.repeat(70_000),
});

describe('hubspotKind.buildRequest', () => {
  it('upserts by the lower-cased email with rendered properties, values unescaped', () => {
    const params: HubspotParams = {
      destination: 'crm',
      upsert_contact: { email: '{{ email }}', properties: { firstname: '{{ name }}', last_visit: '{{ date }}' } },
      note: 'Visited on {{ date }}',
    };
    expect(hubspotKind.buildRequest(dest, params, render)).toEqual({
      upsert: {
        idProperty: 'email',
        id: 'janedoe@example.com',
        properties: { firstname: '<!channel> @everyone [x](https://evil)', last_visit: '2026-01-01T00:00:00Z', email: 'janedoe@example.com' },
      },
      note: 'Visited on 2026-01-01T00:00:00Z',
    });
  });

  it('keeps properties.email equal to the id', () => {
    const request = hubspotKind.buildRequest(dest, { destination: 'crm', upsert_contact: { email: '{{ email }}', properties: { email: 'other@example.com' } } }, render);
    expect(request.upsert.properties.email).toBe('janedoe@example.com');
    expect(request).not.toHaveProperty('note');
  });

  it('leaves out properties that render empty, so a missing event field never clears CRM data', () => {
    const request = hubspotKind.buildRequest(dest, { destination: 'crm', upsert_contact: { email: '{{ email }}', properties: { firstname: '{{ missing }}', source: 'returning' } } }, render);
    expect(request.upsert.properties).toEqual({ source: 'returning', email: 'janedoe@example.com' });
  });

  it('cuts values over 65,536 characters, ending with a marker', () => {
    const request = hubspotKind.buildRequest(dest, { destination: 'crm', upsert_contact: { email: '{{ email }}', properties: { bio: '{{ bio }}' } }, note: '{{ bio }}' }, render);
    const bio = request.upsert.properties.bio ?? '';
    expect(bio).toHaveLength(HUBSPOT_VALUE_MAX);
    expect(bio.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(request.note).toBe(bio);
  });

  it.each([
    ['short', 'short'],
    ['x'.repeat(HUBSPOT_VALUE_MAX), 'x'.repeat(HUBSPOT_VALUE_MAX)],
    ['x'.repeat(HUBSPOT_VALUE_MAX + 1), 'x'.repeat(HUBSPOT_VALUE_MAX - TRUNCATION_MARKER.length) + TRUNCATION_MARKER],
    // never split a surrogate pair: the emoji straddles the cut, so it goes entirely
    ['x'.repeat(HUBSPOT_VALUE_MAX - TRUNCATION_MARKER.length - 1) + '😀'.repeat(10), 'x'.repeat(HUBSPOT_VALUE_MAX - TRUNCATION_MARKER.length - 1) + TRUNCATION_MARKER],
  ])('fitHubspotValue(%#)', (input, expected) => {
    expect(fitHubspotValue(input)).toBe(expected);
  });
});

describe('hubspotKind', () => {
  it('rate-limits per token variable with the configured burst limit', () => {
    const request = hubspotKind.buildRequest(dest, { destination: 'crm', upsert_contact: { email: 'a@b.c', properties: {} } }, render);
    expect(hubspotKind.rateLimit({ ...dest, requests_per_10s: 190 }, request)).toEqual({ key: 'hubspot:HUBSPOT_ACCESS_TOKEN', limit: 190, intervalMs: 10_000 });
    expect(hubspotKind.batchKey?.(dest, request)).toBe('hubspot-upsert:HUBSPOT_ACCESS_TOKEN');
  });

  it('counts a call as two requests when a job in it has a note (the upsert, then the notes batch)', () => {
    const plain = hubspotKind.buildRequest(dest, { destination: 'crm', upsert_contact: { email: 'a@b.c', properties: {} } }, render);
    const noted = hubspotKind.buildRequest(dest, { destination: 'crm', upsert_contact: { email: 'n@b.c', properties: {} }, note: 'Visited' }, render);
    expect([[plain], [plain, plain], [plain, noted], [noted]].map((call) => hubspotKind.requestsPerCall?.(dest, call))).toEqual([1, 1, 2, 2]);
  });

  it('declares its credential and escapes nothing', () => {
    expect(hubspotKind.credentialFields).toEqual(['access_token']);
    expect(hubspotKind.credentialSets).toEqual([['access_token']]);
    expect(hubspotKind.escape('<!channel> & *x*')).toBe('<!channel> & *x*');
  });
});
