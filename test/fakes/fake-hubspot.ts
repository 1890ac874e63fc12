import { startFakeServer, type FakeServer, type FakeServerOptions, type RecordedCall, type Reply } from './fake-server.js';

/**
 * A fake HubSpot CRM API for `@hubspot/api-client` 13: JSON everywhere, `Authorization: Bearer`.
 * Pass `url` as the client's `basePath` (or HUBSPOT_API_URL). destinations.md 3.2-3.5 and 4.3.
 *
 * Routes:
 * - `POST /crm/v3/objects/contacts/batch/upsert` (idProperty email): contacts are kept by email,
 *   so a repeat updates the same id; `objectWriteTraceId` is echoed; duplicate ids in one batch and
 *   more than 100 inputs get 400, as HubSpot does.
 * - `POST /crm/v3/objects/notes`: 201, associated with the contact ids given.
 * - `POST /crm/v3/objects/notes/batch/create`: up to 100 inputs, each with its associations; 201
 *   with `objectWriteTraceId` echoed. An invalid input (no `hs_timestamp`, an association to a
 *   contact that does not exist, a body `validateNote` refuses) rejects the whole batch with 400
 *   and creates nothing, or with `onInvalid: 'multi-status'` comes back in a 207's `errors`
 *   (context `objectWriteTraceId`) while the rest are created.
 * - `POST /crm/v3/objects/contacts/batch/read` (idProperty email, up to 100 inputs): 200 with the
 *   contacts found and only the `properties` asked for (plus `hs_object_id`, `createdate`,
 *   `lastmodifieddate`, as HubSpot adds); when some are not found, 207 with an `OBJECT_NOT_FOUND`
 *   error whose `context.ids` lists them
 *   (https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/batch/read-contacts).
 * Optional rolling-window rate limit: 429 with `policyName: TEN_SECONDLY_ROLLING`.
 */

export interface FakeContact {
  readonly id: string;
  readonly properties: Record<string, string>;
}

export interface FakeNote {
  readonly id: string;
  readonly properties: Readonly<Record<string, string>>;
  readonly contactIds: readonly string[];
  readonly associationTypeIds: readonly number[];
}

export interface FakeHubspotOptions extends FakeServerOptions {
  /** The only accepted token (others get 401 INVALID_AUTHENTICATION). Any Bearer token when unset. */
  readonly token?: string;
  /** At most `limit` requests per rolling `windowMs` (HubSpot: 100 or 190 per 10 s); 429 beyond. */
  readonly rateLimit?: { readonly limit: number; readonly windowMs: number };
  /** Returns why an upsert input is invalid, if it is. Default: an id without '@'. */
  readonly validate?: (input: { id: string; properties: Record<string, string> }) => string | undefined;
  /** Invalid inputs reject the whole batch (400, default) or come back in a 207's `errors`. */
  readonly onInvalid?: 'reject-batch' | 'multi-status';
  /** Answer upsert results in reverse input order (HubSpot does not promise the input order). */
  readonly reverseResults?: boolean;
  /** Returns why a note body is invalid, if it is. Default: none is. */
  readonly validateNote?: (body: string) => string | undefined;
}

export interface FakeHubspot extends FakeServer {
  /** Contacts by (lower-cased) email. */
  readonly contacts: Map<string, FakeContact>;
  readonly notes: FakeNote[];
  /** Calls to the batch upsert route. */
  upsertCalls(): RecordedCall[];
  /** Calls that create notes (the batch route and the one-by-one route). */
  noteCalls(): RecordedCall[];
  /** Requests answered 429 by `rateLimit` so far. */
  rateLimitRefusals(): number;
  /** Calls to the batch read route (CRM lookups). */
  readCalls(): RecordedCall[];
}

let correlation = 0;
const hubspotError = (status: number, category: string, message: string, extra: Record<string, unknown> = {}): Reply => ({
  status,
  body: { status: 'error', message, correlationId: `fake-${++correlation}`, category, ...extra },
});

/** Replies for `failNext`. */
export const hubspotReplies = {
  /** 429 for the 10-second window (`TEN_SECONDLY_ROLLING`), or `'DAILY'` / `'SECONDLY'`. */
  rateLimited: (policyName = 'TEN_SECONDLY_ROLLING', retryAfterSeconds?: number): Reply => ({
    ...hubspotError(429, 'RATE_LIMITS', policyName === 'DAILY' ? 'You have reached your daily limit.' : 'You have reached your ten_secondly_rolling limit.', {
      errorType: 'RATE_LIMIT',
      policyName,
    }),
    ...(retryAfterSeconds !== undefined && { headers: { 'retry-after': String(retryAfterSeconds) } }),
  }),
  /** An error with HubSpot's body shape, e.g. `(400, 'VALIDATION_ERROR')`, `(401, 'INVALID_AUTHENTICATION')`. */
  error: (status: number, category: string, message = 'fake hubspot error'): Reply => hubspotError(status, category, message),
  /** A bare 5xx with an HTML body (as from HubSpot's edge). */
  http: (status: number): Reply => ({ status, headers: { 'content-type': 'text/html' }, body: `<html>fake hubspot ${status}</html>` }),
} as const;

const UPSERT = '/crm/v3/objects/contacts/batch/upsert';
const isIdentityRead = (call: RecordedCall): boolean => call.method === 'GET' && call.path === '/crm/v3/objects/contacts';
const NOTES = '/crm/v3/objects/notes';
const NOTES_BATCH = '/crm/v3/objects/notes/batch/create';
const READ = '/crm/v3/objects/contacts/batch/read';

export async function startFakeHubspot(options: FakeHubspotOptions = {}): Promise<FakeHubspot> {
  const now = options.now ?? Date.now;
  const validate = options.validate ?? ((input) => (input.id.includes('@') ? undefined : 'Email address is invalid'));
  const contacts = new Map<string, FakeContact>();
  const notes: FakeNote[] = [];
  let accepted: number[] = [];
  let refusals = 0;
  let nextContact = 5001;
  let nextNote = 9001;

  const upsert = (body: Record<string, unknown>): Reply => {
    const inputs = (Array.isArray(body.inputs) ? body.inputs : []) as { id?: unknown; idProperty?: unknown; objectWriteTraceId?: unknown; properties?: Record<string, string> }[];
    if (inputs.length > 100) return hubspotError(400, 'VALIDATION_ERROR', 'Batch input must not contain more than 100 inputs');
    const ids = inputs.map((i) => String(i.id ?? '').toLowerCase());
    const duplicates = ids.filter((id, n) => ids.indexOf(id) !== n);
    if (duplicates.length > 0) return hubspotError(400, 'VALIDATION_ERROR', `Duplicate IDs found in batch input: [${duplicates.join(', ')}]`);
    if (inputs.some((i) => i.idProperty !== 'email')) return hubspotError(400, 'VALIDATION_ERROR', 'idProperty must be email');
    const invalid = inputs.flatMap((i, n) => {
      const why = validate({ id: ids[n] ?? '', properties: i.properties ?? {} });
      return why === undefined ? [] : [{ id: ids[n] ?? '', why }];
    });
    if (invalid.length > 0 && options.onInvalid !== 'multi-status') {
      return hubspotError(400, 'VALIDATION_ERROR', `Property values were not valid: ${invalid.map((i) => i.why).join('; ')}`);
    }
    const at = new Date(now()).toISOString();
    const results = inputs.flatMap((input, n) => {
      const email = ids[n] ?? '';
      if (invalid.some((i) => i.id === email)) return [];
      const existing = contacts.get(email);
      const contact = existing ?? { id: String(nextContact++), properties: {} };
      Object.assign(contact.properties, input.properties, { email });
      contacts.set(email, contact);
      return [{
        id: contact.id,
        ...(typeof input.objectWriteTraceId === 'string' && { objectWriteTraceId: input.objectWriteTraceId }),
        properties: { ...contact.properties, hs_object_id: contact.id, lastmodifieddate: at },
        createdAt: at,
        updatedAt: at,
        archived: false,
        new: existing === undefined,
      }];
    });
    if (options.reverseResults === true) results.reverse();
    const answer = { status: 'COMPLETE', results, startedAt: at, completedAt: at };
    if (invalid.length === 0) return { status: 200, body: answer };
    const errors = invalid.map((i) => ({ status: 'error', category: 'VALIDATION_ERROR', message: i.why, context: { ids: [i.id] }, errors: [], links: {} }));
    return { status: 207, body: { ...answer, numErrors: errors.length, errors } };
  };

  type NoteBody = { properties?: Record<string, string>; associations?: unknown; objectWriteTraceId?: unknown };
  /** Why a note input is invalid, or its note (not yet stored). */
  const checkNote = (body: NoteBody): { why: string } | { note: FakeNote } => {
    const properties = body.properties ?? {};
    if (properties.hs_timestamp === undefined) return { why: 'hs_timestamp is required' };
    const invalid = options.validateNote?.(properties.hs_note_body ?? '');
    if (invalid !== undefined) return { why: invalid };
    const associations = (Array.isArray(body.associations) ? body.associations : []) as { to?: { id?: string }; types?: { associationTypeId?: number }[] }[];
    const contactIds = associations.map((a) => String(a.to?.id ?? ''));
    const known = new Set([...contacts.values()].map((c) => c.id));
    if (contactIds.some((id) => !known.has(id))) return { why: 'association target does not exist' };
    return {
      note: { id: '', properties, contactIds, associationTypeIds: associations.flatMap((a) => (a.types ?? []).map((t) => Number(t.associationTypeId))) },
    };
  };
  const store = (note: FakeNote): FakeNote => {
    const stored = { ...note, id: String(nextNote++) };
    notes.push(stored);
    return stored;
  };
  const noteJson = (note: FakeNote, trace?: unknown) => {
    const at = new Date(now()).toISOString();
    return { id: note.id, ...(typeof trace === 'string' && { objectWriteTraceId: trace }), properties: { ...note.properties, hs_object_id: note.id }, createdAt: at, updatedAt: at, archived: false };
  };

  const createNote = (body: Record<string, unknown>): Reply => {
    const checked = checkNote(body as NoteBody);
    if ('why' in checked) return hubspotError(400, 'VALIDATION_ERROR', checked.why);
    return { status: 201, body: noteJson(store(checked.note)) };
  };

  const createNotes = (body: Record<string, unknown>): Reply => {
    const inputs = (Array.isArray(body.inputs) ? body.inputs : []) as NoteBody[];
    if (inputs.length > 100) return hubspotError(400, 'VALIDATION_ERROR', 'Batch input must not contain more than 100 inputs');
    const checked = inputs.map(checkNote);
    const invalid = checked.flatMap((c, n) => ('why' in c ? [{ n, why: c.why }] : []));
    if (invalid.length > 0 && options.onInvalid !== 'multi-status') {
      return hubspotError(400, 'VALIDATION_ERROR', invalid.map((i) => i.why).join('; '));
    }
    const results = checked.flatMap((c, n) => ('note' in c ? [noteJson(store(c.note), inputs[n]?.objectWriteTraceId)] : []));
    const at = new Date(now()).toISOString();
    const answer = { status: 'COMPLETE', results, startedAt: at, completedAt: at };
    if (invalid.length === 0) return { status: 201, body: answer };
    const errors = invalid.map((i) => ({ status: 'error', category: 'VALIDATION_ERROR', message: i.why, context: { objectWriteTraceId: [String(inputs[i.n]?.objectWriteTraceId ?? '')] }, errors: [], links: {} }));
    return { status: 207, body: { ...answer, numErrors: errors.length, errors } };
  };

  const read = (body: Record<string, unknown>): Reply => {
    const inputs = (Array.isArray(body.inputs) ? body.inputs : []) as { id?: unknown }[];
    if (inputs.length > 100) return hubspotError(400, 'VALIDATION_ERROR', 'Batch input must not contain more than 100 inputs');
    if (body.idProperty !== 'email') return hubspotError(400, 'VALIDATION_ERROR', 'idProperty must be email');
    const asked = (Array.isArray(body.properties) ? body.properties : []).map(String);
    const at = new Date(now()).toISOString();
    const missing: string[] = [];
    const results = inputs.flatMap((input) => {
      const email = String(input.id ?? '');
      const contact = contacts.get(email.toLowerCase());
      if (contact === undefined) {
        missing.push(email);
        return [];
      }
      const properties: Record<string, string | null> = { createdate: at, hs_object_id: contact.id, lastmodifieddate: at };
      // HubSpot answers every property asked for, null when the contact has no value.
      for (const name of asked) properties[name] = contact.properties[name] ?? null;
      return [{ id: contact.id, properties, createdAt: at, updatedAt: at, archived: false }];
    });
    const answer = { status: 'COMPLETE', results, startedAt: at, completedAt: at };
    if (missing.length === 0) return { status: 200, body: answer };
    const errors = [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.', context: { ids: missing }, errors: [], links: {} }];
    return { status: 207, body: { ...answer, numErrors: 1, errors } };
  };

  const handler = (call: RecordedCall): Reply => {
    const auth = call.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || (options.token !== undefined && auth !== `Bearer ${options.token}`)) {
      return hubspotError(401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found.');
    }
    const rl = options.rateLimit;
    let headers: Record<string, string> = {};
    // The identity read leaves the fake's rate budget alone, so tests of the limit count deliveries only.
    if (rl !== undefined && !isIdentityRead(call)) {
      const t = now();
      accepted = accepted.filter((at) => t - at < rl.windowMs);
      if (accepted.length >= rl.limit) {
        refusals += 1;
        return hubspotReplies.rateLimited();
      }
      accepted.push(t);
      headers = { 'x-hubspot-ratelimit-max': String(rl.limit), 'x-hubspot-ratelimit-remaining': String(rl.limit - accepted.length), 'x-hubspot-ratelimit-interval-milliseconds': String(rl.windowMs) };
    }
    const body = (typeof call.json === 'object' && call.json !== null ? call.json : {}) as Record<string, unknown>;
    let reply: Reply;
    if (call.method === 'POST' && call.path === UPSERT) reply = upsert(body);
    else if (call.method === 'POST' && call.path === NOTES) reply = createNote(body);
    else if (call.method === 'POST' && call.path === NOTES_BATCH) reply = createNotes(body);
    else if (call.method === 'POST' && call.path === READ) reply = read(body);
    // One page of contacts: what `bridge check --online` reads.
    else if (call.method === 'GET' && call.path === '/crm/v3/objects/contacts') reply = { body: { results: [...contacts.values()].slice(0, 1), paging: {} } };
    else reply = hubspotError(404, 'OBJECT_NOT_FOUND', 'Object not found.');
    return { ...reply, headers: { ...headers, ...reply.headers } };
  };

  // One page of contacts is what the bridge reads at start-up to check its token: not a delivery.
  const server = await startFakeServer(handler, { ...options, aside: isIdentityRead });
  return {
    ...server,
    contacts,
    notes,
    upsertCalls: () => server.calls.filter((c) => c.path === UPSERT),
    noteCalls: () => server.calls.filter((c) => c.path === NOTES || c.path === NOTES_BATCH),
    readCalls: () => server.calls.filter((c) => c.path === READ),
    rateLimitRefusals: () => refusals,
    reset() {
      refusals = 0;
      server.reset();
      contacts.clear();
      notes.length = 0;
      accepted = [];
    },
  };
}
