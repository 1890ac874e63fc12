import type { Outcome } from '../action.js';
import { classifyHubspotError } from './classify-hubspot-error.js';

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

export type UpsertResult = { status: 'ok'; id: string } | Exclude<Outcome, { status: 'ok' }>;

/**
 * Upserts `inputs` (unique emails) in one call and returns each email's result. When HubSpot
 * rejects a whole batch as invalid (400/409), one bad contact would otherwise fail up to 99 good
 * ones, so the batch is halved and retried: a single bad contact costs about 2·log2(n) extra
 * calls. When both halves are rejected too, the fault is not one contact (an unknown property, say)
 * and everything fails without further calls.
 */
export async function upsertContacts(inputs: readonly UpsertInput[], call: (inputs: UpsertInput[]) => Promise<UpsertResponse>): Promise<Map<string, UpsertResult>> {
  const first = await attempt(inputs, call);
  if ('answered' in first) return first.answered;
  return first.invalid && inputs.length > 1 ? isolate(inputs, call) : fill(new Map(), inputs, first.rejected);
}

type Attempt = { answered: Map<string, UpsertResult> } | { rejected: UpsertResult; invalid: boolean };

async function attempt(inputs: readonly UpsertInput[], call: (inputs: UpsertInput[]) => Promise<UpsertResponse>): Promise<Attempt> {
  try {
    return { answered: mapResponse(inputs, await call([...inputs])) };
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return { rejected: classifyHubspotError(error, 'upsert') as UpsertResult, invalid: code === 400 || code === 409 };
  }
}

async function isolate(inputs: readonly UpsertInput[], call: (inputs: UpsertInput[]) => Promise<UpsertResponse>): Promise<Map<string, UpsertResult>> {
  const mid = Math.ceil(inputs.length / 2);
  const halves = [inputs.slice(0, mid), inputs.slice(mid)];
  const attempts: Attempt[] = [];
  for (const half of halves) attempts.push(await attempt(half, call)); // one at a time: gentle on the rate limit
  const systemic = attempts.every((a) => 'rejected' in a && a.invalid);
  const out = new Map<string, UpsertResult>();
  for (const [i, a] of attempts.entries()) {
    const half = halves[i] ?? [];
    if ('answered' in a) for (const [k, v] of a.answered) out.set(k, v);
    else if (a.invalid && half.length > 1 && !systemic) for (const [k, v] of await isolate(half, call)) out.set(k, v);
    else fill(out, half, a.rejected);
  }
  return out;
}

function fill(out: Map<string, UpsertResult>, inputs: readonly UpsertInput[], result: UpsertResult): Map<string, UpsertResult> {
  for (const input of inputs) out.set(input.id, result);
  return out;
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
    const category = typeof error.category === 'string' && /^[A-Z_]{1,64}$/.test(error.category) ? error.category : 'ERROR';
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
