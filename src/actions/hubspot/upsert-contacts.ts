import { errorCategory, isolateBatch, type BatchResult } from './isolate-batch.js';

/** One input of `POST /crm/v3/objects/contacts/batch/upsert`. */
export type UpsertInput = {
  idProperty: 'email';
  id: string;
  properties: Record<string, string>;
  /** Echoed on the matching result, so results map back to inputs whatever their order. */
  objectWriteTraceId: string;
};

/** The parts of HubSpot's batch response used here (200, or 207 with `errors`). */
export type UpsertResponse = {
  results: readonly { id: string; objectWriteTraceId?: string; properties?: Record<string, string | null> }[];
  errors?: readonly { category?: string; context?: Record<string, readonly string[]> }[];
};

export type UpsertResult = BatchResult;

/**
 * Upserts `inputs` (unique emails) in one call and returns each email's result; a batch HubSpot
 * rejects as invalid is halved until the bad contact is found (isolate-batch.ts).
 */
export function upsertContacts(inputs: readonly UpsertInput[], call: (inputs: UpsertInput[]) => Promise<UpsertResponse>): Promise<Map<string, UpsertResult>> {
  return isolateBatch(inputs, (i) => i.id, 'upsert', async (part) => mapResponse(part, await call(part)));
}

/** Results by trace id (else by email); 207 errors by any input id or trace id named in their context. */
function mapResponse(inputs: readonly UpsertInput[], response: UpsertResponse): Map<string, UpsertResult> {
  const byTrace = new Map(inputs.map((i) => [i.objectWriteTraceId, i]));
  const byEmail = new Map(inputs.map((i) => [i.id, i]));
  const out = new Map<string, UpsertResult>();
  const unmatched: string[] = [];
  for (const result of response.results) {
    const input = byTrace.get(result.objectWriteTraceId ?? '') ?? byEmail.get(result.properties?.email?.toLowerCase() ?? '');
    if (input !== undefined && !out.has(input.id)) out.set(input.id, { status: 'ok', id: result.id });
    else unmatched.push(result.id);
  }
  for (const error of response.errors ?? []) {
    const named = new Set(Object.values(error.context ?? {}).flat().map((s) => s.toLowerCase()));
    const category = errorCategory(error.category);
    for (const input of inputs) {
      if (!out.has(input.id) && (named.has(input.id) || named.has(input.objectWriteTraceId))) {
        out.set(input.id, { status: 'fail', reason: `hubspot upsert rejected this contact: ${category}` });
      }
    }
  }
  const missing = inputs.filter((i) => !out.has(i.id));
  const [only] = missing;
  // HubSpot may answer with the contact's primary email when the id was a secondary one.
  if (only !== undefined && missing.length === 1 && unmatched.length === 1 && unmatched[0] !== undefined) {
    out.set(only.id, { status: 'ok', id: unmatched[0] });
  } else {
    for (const input of missing) out.set(input.id, { status: 'retry', reason: 'hubspot upsert: contact missing from the batch response' });
  }
  return out;
}
