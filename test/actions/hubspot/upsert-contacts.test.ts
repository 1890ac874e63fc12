import { describe, expect, it } from 'vitest';
import { upsertContacts, type UpsertInput, type UpsertResponse } from '../../../src/actions/hubspot/upsert-contacts.js';

const input = (email: string, n: number): UpsertInput => ({ idProperty: 'email', id: email, properties: { email }, objectWriteTraceId: `bridge-${n}` });
const inputs = (...emails: string[]) => emails.map(input);
const apiError = (code: number, category: string) => Object.assign(new Error('HTTP-Code: ...Body: {"email":"pii@example.com"}'), { code, body: { category, correlationId: 'c-1' }, headers: {} });

/** A scripted batch call that records the emails of every call. */
function scripted(answer: (batch: UpsertInput[]) => UpsertResponse) {
  const batches: string[][] = [];
  const call = async (batch: UpsertInput[]) => {
    batches.push(batch.map((i) => i.id));
    return answer(batch);
  };
  return { batches, call };
}
const okAll = (batch: UpsertInput[]): UpsertResponse => ({ results: batch.map((i, n) => ({ id: String(100 + n), objectWriteTraceId: i.objectWriteTraceId })) });

describe('upsertContacts', () => {
  it('maps results back by trace id whatever their order', async () => {
    const { call } = scripted((batch) => ({ results: okAll(batch).results.slice().reverse() }));
    const results = await upsertContacts(inputs('a@x.io', 'b@x.io'), call);
    expect(Object.fromEntries(results)).toEqual({ 'a@x.io': { status: 'ok', id: '100' }, 'b@x.io': { status: 'ok', id: '101' } });
  });

  it('falls back to the email when the trace id is not echoed', async () => {
    const { call } = scripted(() => ({ results: [{ id: '7', properties: { email: 'B@X.io' } }, { id: '8', properties: { email: 'a@x.io' } }] }));
    expect(Object.fromEntries(await upsertContacts(inputs('a@x.io', 'b@x.io'), call))).toEqual({ 'a@x.io': { status: 'ok', id: '8' }, 'b@x.io': { status: 'ok', id: '7' } });
  });

  it('pairs the one unmatched result with the one unmatched input (a secondary email)', async () => {
    const { call } = scripted(() => ({ results: [{ id: '7', properties: { email: 'primary@x.io' } }] }));
    expect(Object.fromEntries(await upsertContacts(inputs('alias@x.io'), call))).toEqual({ 'alias@x.io': { status: 'ok', id: '7' } });
  });

  it('gives 207 errors to the inputs they name and retries inputs missing from the answer', async () => {
    const { call } = scripted(() => ({
      results: [{ id: '1', objectWriteTraceId: 'bridge-0' }],
      errors: [{ category: 'VALIDATION_ERROR', context: { ids: ['B@x.io'] } }],
    }));
    expect(Object.fromEntries(await upsertContacts(inputs('a@x.io', 'b@x.io', 'c@x.io', 'd@x.io'), call))).toEqual({
      'a@x.io': { status: 'ok', id: '1' },
      'b@x.io': { status: 'fail', reason: 'hubspot upsert rejected this contact: VALIDATION_ERROR' },
      'c@x.io': { status: 'retry', reason: 'hubspot upsert: contact missing from the batch response' },
      'd@x.io': { status: 'retry', reason: 'hubspot upsert: contact missing from the batch response' },
    });
  });

  it('isolates one invalid contact by halving a rejected batch', async () => {
    const emails = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((c) => `${c}@x.io`);
    const { batches, call } = scripted((batch) => {
      if (batch.some((i) => i.id === 'f@x.io')) throw apiError(400, 'VALIDATION_ERROR');
      return okAll(batch);
    });
    const results = await upsertContacts(inputs(...emails), call);

    expect(results.get('f@x.io')).toEqual({ status: 'fail', reason: 'hubspot upsert 400 VALIDATION_ERROR (correlationId c-1)' });
    expect([...results.values()].filter((r) => r.status === 'ok')).toHaveLength(7);
    expect(batches).toEqual([emails, emails.slice(0, 4), emails.slice(4), ['e@x.io', 'f@x.io'], ['g@x.io', 'h@x.io'], ['e@x.io'], ['f@x.io']]);
  });

  it('stops halving when both halves are rejected too (the fault is not one contact)', async () => {
    const { batches, call } = scripted(() => {
      throw apiError(400, 'VALIDATION_ERROR');
    });
    const results = await upsertContacts(inputs('a@x.io', 'b@x.io', 'c@x.io', 'd@x.io'), call);
    expect(batches).toHaveLength(3);
    expect(new Set([...results.values()].map((r) => r.status))).toEqual(new Set(['fail']));
    expect(results.size).toBe(4);
  });

  it.each([
    [429, 'RATE_LIMITS', 'retry'],
    [401, 'INVALID_AUTHENTICATION', 'fail'],
    [500, 'INTERNAL_ERROR', 'retry'],
  ])('does not halve on %i: every contact gets the same outcome', async (code, category, status) => {
    const { batches, call } = scripted(() => {
      throw apiError(code, category);
    });
    const results = await upsertContacts(inputs('a@x.io', 'b@x.io'), call);
    expect(batches).toHaveLength(1);
    expect([...results.values()].map((r) => r.status)).toEqual([status, status]);
  });
});
