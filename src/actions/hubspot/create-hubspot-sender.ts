import { HUBSPOT_MAX_BATCH, hubspotRequestsPerCall } from './hubspot-limits.js';
import type { Outcome, SendContext, Sender, SenderDeps } from '../action.js';
import type { HubspotDestination } from './hubspot-config.js';
import type { HubspotRequest } from './hubspot-request.js';
import { createTimeoutAgent } from './timeout-agent.js';
import { upsertContacts, type UpsertInput, type UpsertResponse } from './upsert-contacts.js';
import { createNotes, noteInput, type NoteInput, type NotesResponse } from './create-notes.js';
import { NOTE_MEMO_TTL_MS, noteMemoKey } from './hubspot-memo.js';
import { withDeadline } from './with-deadline.js';

const HUBSPOT_API = 'https://api.hubapi.com';
/** Loose on purpose: HubSpot validates properly; this only keeps obvious junk out of a shared batch. */
const EMAIL = /^[^\s@]+@[^\s@]+$/;

interface HubspotApis {
  upsert(inputs: UpsertInput[]): Promise<UpsertResponse>;
  createNotes(inputs: NoteInput[]): Promise<NotesResponse>;
  close(): void;
}

/**
 * The live HubSpot sender. One `sendBatch` (the jobs the dispatcher's linger gathered) costs one
 * batch upsert of its contacts (contacts with the same email merged, last value wins, since HubSpot
 * rejects duplicate ids in one batch), then one batch create of its notes, each associated with its
 * contact: one batching setting for both. A job whose note was already created by an earlier
 * attempt (its id is in `ctx.memos`) does not create another; a created note's id goes back as a
 * memo, which the dispatcher records with the job's outcome. `@hubspot/api-client` is loaded when the sender is made (its import blocks the event loop), without its
 * retry decorator (`numberOfApiCallRetries: 0`) or limiter: the dispatcher owns both.
 * `now` stamps notes (`hs_timestamp`).
 */
export function createHubspotSender(_dest: HubspotDestination, deps: SenderDeps, now: () => number = Date.now): Sender<HubspotRequest> {
  const token = deps.secrets.access_token;
  if (token === undefined || token === '') throw new Error('a live hubspot sender needs the access_token credential');
  const basePath = (deps.apiUrl ?? HUBSPOT_API).replace(/\/+$/, '');
  let loaded: Promise<HubspotApis> | undefined;
  const apis = () => (loaded ??= loadApis(token, basePath, deps.timeoutMs));
  const warm = apis().then(() => undefined, () => undefined);

  const sendBatch = async (items: readonly { request: HubspotRequest; ctx: SendContext }[]): Promise<Outcome[]> => {
    let made = 0;
    try {
      return await sendAll(items, () => void (made += 1));
    } finally {
      // A rejected batch halved to find its bad input makes more requests than the kind counted.
      const extra = made - hubspotRequestsPerCall(items.map((i) => i.request));
      if (extra > 0) items[0]?.ctx.spentRequests?.(extra);
    }
  };

  const sendAll = async (
    items: readonly { request: HubspotRequest; ctx: SendContext }[],
    /** Called once for each request sent to HubSpot. */
    sending: () => void,
  ): Promise<Outcome[]> => {
    const outcomes: Outcome[] = items.map(() => ({ status: 'retry', reason: 'not attempted' }));
    const inputs = new Map<string, UpsertInput>();
    items.forEach(({ request }, index) => {
      const { id, properties } = request.upsert;
      if (!EMAIL.test(id)) {
        outcomes[index] = { status: 'fail', reason: 'hubspot upsert: the contact email is empty or not an email address' };
        return;
      }
      const merged = inputs.get(id);
      if (merged !== undefined) Object.assign(merged.properties, properties);
      else inputs.set(id, { idProperty: 'email', id, properties: { ...properties }, objectWriteTraceId: `bridge-${inputs.size}` });
    });
    if (inputs.size === 0) return outcomes;

    const api = await apis();
    const signal = AbortSignal.any(items.map((i) => i.ctx.signal));
    const results = await upsertContacts([...inputs.values()], (batch) => {
      sending();
      return withDeadline(() => api.upsert(batch), deps.timeoutMs, signal);
    });

    const notes: { index: number; contactId: string; input: NoteInput }[] = [];
    const timestamp = new Date(now()).toISOString();
    items.forEach(({ request, ctx }, index) => {
      const result = results.get(request.upsert.id);
      if (result === undefined) return;
      if (result.status !== 'ok') outcomes[index] = result;
      else if (request.note === undefined) outcomes[index] = { status: 'ok', ref: result.id };
      else {
        const created = ctx.memos?.[noteMemoKey(ctx.idempotencyKey)];
        if (created !== undefined) outcomes[index] = { status: 'ok', ref: result.id, detail: { note_id: created } };
        else notes.push({ index, contactId: result.id, input: noteInput(`note-${notes.length}`, result.id, request.note, timestamp) });
      }
    });
    if (notes.length === 0) return outcomes;

    const noteSignal = AbortSignal.any(notes.map((n) => items[n.index]?.ctx.signal ?? signal));
    const created = await createNotes(notes.map((n) => n.input), (batch) => {
      sending();
      return withDeadline(() => api.createNotes(batch), deps.timeoutMs, noteSignal);
    });
    for (const { index, contactId, input } of notes) {
      const item = items[index];
      const note = created.get(input.objectWriteTraceId);
      if (item === undefined || note === undefined) continue;
      outcomes[index] =
        note.status === 'ok'
          ? { status: 'ok', ref: contactId, detail: { note_id: note.id }, memos: [{ key: noteMemoKey(item.ctx.idempotencyKey), value: note.id, ttlMs: NOTE_MEMO_TTL_MS }] }
          : // The upsert already happened; a retry repeats it harmlessly and tries the note again.
            { ...note, reason: `contact ${contactId} upserted, but ${note.reason}` };
    }
    return outcomes;
  };

  return {
    ready: () => warm,
    maxBatch: HUBSPOT_MAX_BATCH,
    sendBatch,
    async send(request, ctx) {
      const [outcome] = await sendBatch([{ request, ctx }]);
      return outcome ?? { status: 'fail', reason: 'hubspot: no outcome' };
    },
    async close() {
      (await loaded?.catch(() => undefined))?.close();
    },
  };
}

async function loadApis(accessToken: string, basePath: string, timeoutMs: number): Promise<HubspotApis> {
  const [{ Client }, { AssociationSpecAssociationCategoryEnum }] = await Promise.all([
    import('@hubspot/api-client'),
    // The enum lives only in the generated module (destinations.md 3.3); the package has no exports map.
    import('@hubspot/api-client/lib/codegen/crm/objects/notes/index.js'),
  ]);
  const agent = createTimeoutAgent(basePath, timeoutMs);
  const client = new Client({ accessToken, basePath, numberOfApiCallRetries: 0, httpAgent: agent });
  // API objects pick up the process-wide decorator list on first access; take them now, while it is ours.
  const contacts = client.crm.contacts.batchApi;
  const notes = client.crm.objects.notes.batchApi;
  return {
    upsert: (inputs) => contacts.upsert({ inputs }),
    createNotes: (inputs) =>
      notes.create({
        inputs: inputs.map((input) => ({
          ...input,
          // The enum type of the generated client; the wire value is the same string.
          associations: input.associations.map((a) => ({ ...a, types: a.types.map((t) => ({ ...t, associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined })) })),
        })),
      }),
    close: () => agent.destroy(),
  };
}
