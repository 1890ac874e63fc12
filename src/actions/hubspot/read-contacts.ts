import type { SenderDeps } from '../action.js';
import { classifyHubspotError } from './classify-hubspot-error.js';
import { createTimeoutAgent } from './timeout-agent.js';
import { withDeadline } from './with-deadline.js';

const HUBSPOT_API = 'https://api.hubapi.com';
/** Inputs per batch read (https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/batch/read-contacts). */
export const MAX_READ_BATCH = 100;

/** A contact's properties as HubSpot answered them (null: the contact has no value), or null: no such contact. */
export type ContactAnswer = Readonly<Record<string, string | null>> | null;

/** What one read of up to 100 emails came to. */
export type ReadOutcome =
  | { readonly status: 'ok'; readonly contacts: ReadonlyMap<string, ContactAnswer> }
  | { readonly status: 'retry'; readonly reason: string; readonly retryAfterMs?: number }
  | { readonly status: 'fail'; readonly reason: string };

/** Reads contacts by email: what a CRM condition (`crm.contact.<property>`) looks up. */
export interface ContactReader {
  /** At most `MAX_READ_BATCH` emails (lower-cased by the caller); every email asked for is in `contacts`. */
  read(emails: readonly string[], properties: readonly string[], signal?: AbortSignal): Promise<ReadOutcome>;
  close(): void;
}

type RawRead = (body: { idProperty: string; inputs: { id: string }[]; properties: string[]; propertiesWithHistory: string[] }) => Promise<{
  results: { properties: Record<string, string | null | undefined> }[];
}>;

/**
 * The HubSpot contact reader: `POST /crm/v3/objects/contacts/batch/read` with `idProperty: email`
 * through `@hubspot/api-client` (no client retries: the planner decides), `deps.timeoutMs` per call.
 * A 207 lists the emails HubSpot has no contact for: they come back as null ("no such contact"),
 * an answer worth caching, not an error. Errors are classified as for upserts (a read is safe to
 * repeat); reasons carry no emails.
 */
export function createContactReader(deps: SenderDeps): ContactReader {
  const token = deps.secrets.access_token;
  if (token === undefined || token === '') throw new Error('a live hubspot contact reader needs the access_token credential');
  const basePath = (deps.apiUrl ?? HUBSPOT_API).replace(/\/+$/, '');
  const agent = createTimeoutAgent(basePath, deps.timeoutMs);
  let loaded: Promise<RawRead> | undefined;
  const load = () =>
    (loaded ??= import('@hubspot/api-client').then(({ Client }) => {
      const batch = new Client({ accessToken: token, basePath, numberOfApiCallRetries: 0, httpAgent: agent }).crm.contacts.batchApi;
      return (body) => batch.read(body, false) as ReturnType<RawRead>;
    }));
  return {
    async read(emails, properties, signal = new AbortController().signal) {
      if (emails.length > MAX_READ_BATCH) return { status: 'fail', reason: `hubspot read: at most ${MAX_READ_BATCH} emails a call (got ${emails.length})` };
      const contacts = new Map<string, ContactAnswer>(emails.map((e) => [e, null]));
      if (emails.length === 0) return { status: 'ok', contacts };
      // `email` is always asked for: it is how an answer is matched to its input.
      const asked = [...new Set(['email', ...properties])];
      try {
        const read = await load();
        const answer = await withDeadline(() => read({ idProperty: 'email', inputs: emails.map((id) => ({ id })), properties: asked, propertiesWithHistory: [] }), deps.timeoutMs, signal);
        for (const result of answer.results) {
          const email = String(result.properties.email ?? '').toLowerCase();
          if (!contacts.has(email)) continue;
          const props: Record<string, string | null> = {};
          for (const name of properties) props[name] = result.properties[name] ?? null;
          contacts.set(email, props);
        }
        return { status: 'ok', contacts };
      } catch (error) {
        const outcome = classifyHubspotError(error, 'read');
        return outcome.status === 'retry' ? outcome : { status: 'fail', reason: outcome.status === 'fail' || outcome.status === 'ambiguous' ? outcome.reason : 'hubspot read failed' };
      }
    },
    close: () => agent.destroy(),
  };
}
