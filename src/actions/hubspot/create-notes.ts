import { errorCategory, isolateBatch, type BatchResult } from './isolate-batch.js';

/**
 * HubSpot's default association type "note to contact"
 * (https://developers.hubspot.com/docs/api-reference/crm-associations-v4/guide, `AssociationTypes.noteToContact`
 * in @hubspot/api-client).
 */
export const NOTE_TO_CONTACT = 202;

/**
 * One input of `POST /crm/v3/objects/notes/batch/create`
 * (https://developers.hubspot.com/docs/api-reference/legacy/crm/activities/notes/batch/create-notes):
 * the note's properties and its association with the contact the upsert returned.
 */
export type NoteInput = {
  properties: { hs_timestamp: string; hs_note_body: string };
  associations: { to: { id: string }; types: { associationCategory: 'HUBSPOT_DEFINED'; associationTypeId: number }[] }[];
  /** Echoed on the matching result (HubSpot does not promise the input order). */
  objectWriteTraceId: string;
};

/** The parts of the batch-create answer used here (201, or 207 with `errors`). */
export type NotesResponse = {
  results: readonly { id: string; objectWriteTraceId?: string }[];
  errors?: readonly { category?: string; context?: Record<string, readonly string[]> }[];
};

/** The note input for one job. */
export function noteInput(traceId: string, contactId: string, body: string, timestamp: string): NoteInput {
  return {
    properties: { hs_timestamp: timestamp, hs_note_body: body },
    associations: [{ to: { id: contactId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: NOTE_TO_CONTACT }] }],
    objectWriteTraceId: traceId,
  };
}

/**
 * Creates `inputs` (at most 100, the batch limit) in one call and returns each trace id's result.
 * A batch HubSpot rejects as invalid is halved until the bad note is found, so one note fails
 * only its own job; a 429, 5xx or timeout gives every note of the call the same outcome (a
 * timeout after sending: `ambiguous`, since a note create is not idempotent).
 */
export function createNotes(inputs: readonly NoteInput[], call: (inputs: NoteInput[]) => Promise<NotesResponse>): Promise<Map<string, BatchResult>> {
  return isolateBatch(inputs, (i) => i.objectWriteTraceId, 'note', async (part) => mapNotes(part, await call(part)));
}

function mapNotes(inputs: readonly NoteInput[], response: NotesResponse): Map<string, BatchResult> {
  const traces = new Set(inputs.map((i) => i.objectWriteTraceId));
  const out = new Map<string, BatchResult>();
  const unmatched: string[] = [];
  for (const result of response.results) {
    const trace = result.objectWriteTraceId;
    if (trace !== undefined && traces.has(trace) && !out.has(trace)) out.set(trace, { status: 'ok', id: result.id });
    else unmatched.push(result.id);
  }
  // No trace ids echoed at all, one result per input: HubSpot answers in input order then.
  if (unmatched.length === inputs.length && (response.errors ?? []).length === 0) {
    inputs.forEach((input, n) => out.set(input.objectWriteTraceId, { status: 'ok', id: unmatched[n] ?? '' }));
    return out;
  }
  for (const error of response.errors ?? []) {
    const named = new Set(Object.values(error.context ?? {}).flat());
    for (const trace of traces) {
      if (!out.has(trace) && named.has(trace)) out.set(trace, { status: 'fail', reason: `hubspot note rejected: ${errorCategory(error.category)}` });
    }
  }
  // Not in the results: not created, so sending it again cannot duplicate it; unless some created
  // note could not be matched to its input, which may be this one.
  const left: BatchResult =
    unmatched.length === 0
      ? { status: 'retry', reason: 'hubspot note: missing from the batch response' }
      : { status: 'ambiguous', reason: 'hubspot note: created notes could not be matched to their jobs, this one may have been created' };
  for (const trace of traces) if (!out.has(trace)) out.set(trace, left);
  return out;
}
