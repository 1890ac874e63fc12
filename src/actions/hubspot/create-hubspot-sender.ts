import type { Outcome, SendContext, Sender, SenderDeps } from '../action.js';
import type { HubspotDestination } from './hubspot-config.js';
import type { HubspotRequest } from './hubspot-request.js';
import { classifyHubspotError } from './classify-hubspot-error.js';
import { createTimeoutAgent } from './timeout-agent.js';
import { upsertContacts, type UpsertInput, type UpsertResponse } from './upsert-contacts.js';
import { withDeadline } from './with-deadline.js';

const HUBSPOT_API = 'https://api.hubapi.com';
/** https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/batch/upsert-contacts */
const MAX_BATCH = 100;
/** Notes have no batch call that maps results back, so they go one by one, a few at a time. */
const NOTE_CONCURRENCY = 4;
/** Loose on purpose: HubSpot validates properly; this only keeps obvious junk out of a shared batch. */
const EMAIL = /^[^\s@]+@[^\s@]+$/;

interface HubspotApis {
  upsert(inputs: UpsertInput[]): Promise<UpsertResponse>;
  createNote(contactId: string, body: string, timestamp: string): Promise<{ id: string }>;
  close(): void;
}

/**
 * The live HubSpot sender. Upserts go out in one batch call per `sendBatch` (contacts with the same
 * email merged, last value wins, since HubSpot rejects duplicate ids in one batch); notes follow,
 * associated with their contact. `@hubspot/api-client` is loaded on the first send, without its
 * retry decorator (`numberOfApiCallRetries: 0`) or limiter: the dispatcher owns both.
 * `now` stamps notes (`hs_timestamp`).
 */
export function createHubspotSender(_dest: HubspotDestination, deps: SenderDeps, now: () => number = Date.now): Sender<HubspotRequest> {
  const token = deps.secrets.access_token;
  if (token === undefined || token === '') throw new Error('a live hubspot sender needs the access_token credential');
  const basePath = (deps.apiUrl ?? HUBSPOT_API).replace(/\/+$/, '');
  let loaded: Promise<HubspotApis> | undefined;
  const apis = () => (loaded ??= loadApis(token, basePath, deps.timeoutMs));

  const sendBatch = async (items: readonly { request: HubspotRequest; ctx: SendContext }[]): Promise<Outcome[]> => {
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
    const results = await upsertContacts([...inputs.values()], (batch) => withDeadline(() => api.upsert(batch), deps.timeoutMs, signal));

    const notes: { index: number; contactId: string; body: string }[] = [];
    items.forEach(({ request }, index) => {
      const result = results.get(request.upsert.id);
      if (result === undefined) return;
      if (result.status !== 'ok') outcomes[index] = result;
      else if (request.note === undefined) outcomes[index] = { status: 'ok', ref: result.id };
      else notes.push({ index, contactId: result.id, body: request.note });
    });
    await eachLimit(notes, NOTE_CONCURRENCY, async ({ index, contactId, body }) => {
      const item = items[index];
      if (item === undefined) return;
      try {
        const note = await withDeadline(() => api.createNote(contactId, body, new Date(now()).toISOString()), deps.timeoutMs, item.ctx.signal);
        outcomes[index] = { status: 'ok', ref: contactId, detail: { note_id: note.id } };
      } catch (error) {
        const outcome = classifyHubspotError(error, 'note');
        // The upsert already happened; a retry repeats it harmlessly and tries the note again.
        outcomes[index] = outcome.status === 'ok' ? outcome : { ...outcome, reason: `contact ${contactId} upserted, but ${outcome.reason}` };
      }
    });
    return outcomes;
  };

  return {
    maxBatch: MAX_BATCH,
    sendBatch,
    async send(request, ctx) {
      const [outcome] = await sendBatch([{ request, ctx }]);
      return outcome ?? { status: 'fail', reason: 'hubspot: no outcome' };
    },
    async close() {
      if (loaded !== undefined) (await loaded).close();
    },
  };
}

async function loadApis(accessToken: string, basePath: string, timeoutMs: number): Promise<HubspotApis> {
  const [{ Client, AssociationTypes }, { AssociationSpecAssociationCategoryEnum }] = await Promise.all([
    import('@hubspot/api-client'),
    // The enum lives only in the generated module (destinations.md 3.3); the package has no exports map.
    import('@hubspot/api-client/lib/codegen/crm/objects/notes/index.js'),
  ]);
  const agent = createTimeoutAgent(basePath, timeoutMs);
  const client = new Client({ accessToken, basePath, numberOfApiCallRetries: 0, httpAgent: agent });
  // API objects pick up the process-wide decorator list on first access; take them now, while it is ours.
  const contacts = client.crm.contacts.batchApi;
  const notes = client.crm.objects.notes.basicApi;
  return {
    upsert: (inputs) => contacts.upsert({ inputs }),
    createNote: (contactId, body, timestamp) =>
      notes.create({
        properties: { hs_timestamp: timestamp, hs_note_body: body },
        associations: [
          {
            to: { id: contactId },
            types: [{ associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: AssociationTypes.noteToContact }],
          },
        ],
      }),
    close: () => agent.destroy(),
  };
}

async function eachLimit<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await run(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
