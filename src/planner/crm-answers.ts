import type { Json } from '../events/event.js';
import type { CrmAnswer } from '../rules/crm-fields.js';
import type { CrmLookup } from '../rules/crm-lookups.js';
import { stateId, type RuleState } from '../rules/state-types.js';
import type { StateKey } from '../store/planner-store.js';
import type { ContactValues, CrmReader, LookupOutcome } from './crm-reader.js';

/** Cached answers live in the state table: scope `crm`, key `<destination>|<email>`. */
export const CRM_SCOPE = 'crm';
const cacheKey = (destination: string, email: string): string => `${destination}|${email}`;

/** One cached answer: when it was read, which properties were asked, and the contact (null: none). */
interface Cached {
  readonly at: number;
  readonly properties: readonly string[];
  readonly contact: ContactValues;
}

function isCached(v: Json | undefined): v is Json & Cached {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof v['at'] === 'number' && Array.isArray(v['properties']);
}

/** The cache records the lookups may read (one state query with the rest of the batch's state). */
export function crmStateKeys(lookups: readonly CrmLookup[]): StateKey[] {
  return lookups.flatMap((l) => (l.email === undefined ? [] : [{ scope: CRM_SCOPE, key: cacheKey(l.destination, l.email) }]));
}

/** A fresh cached answer that has every property asked for ("no such contact" answers any). */
function fresh(record: RuleState | undefined, lookup: CrmLookup, now: number): Cached | undefined {
  const v = record?.value;
  if (!isCached(v) || now - v.at >= lookup.ttlMs) return undefined;
  if (v.contact !== null && !lookup.properties.every((p) => v.properties.includes(p))) return undefined;
  return v;
}

export interface GatherOptions {
  /** Per event, the lookups its rules need (crmLookupsOf). */
  readonly lookups: readonly (readonly CrmLookup[])[];
  readonly state: ReadonlyMap<string, RuleState>;
  /** Undefined: the cache only (a value not cached is unknown). */
  readonly reader: CrmReader | undefined;
  /** The planner's clock: what the TTL is measured against. */
  readonly now: number;
  /** Said when no reader is given and a value is not cached. */
  readonly uncached?: string;
}

export interface Gathered {
  /** Per event: its answer from each destination it needs. */
  readonly answers: ReadonlyMap<string, CrmAnswer>[];
  /** Per event, per lookup, where its answer came from. */
  readonly outcomes: { readonly destination: string; readonly outcome: LookupOutcome }[][];
  /** Answers read now, to cache (committed with the batch). */
  readonly writes: RuleState[];
  /** The longest Retry-After a failed read asked for (ms). */
  readonly retryAfterMs: number | undefined;
}

/**
 * Answers a planning batch's CRM lookups: each from the cache when it is fresh, the rest with one
 * batch read per destination per `reader.maxBatch` distinct emails, for every property any of that
 * destination's lookups needs. An event without an email has no contact (nothing is read). A read
 * that fails makes its emails unknown, with the reason.
 */
export async function gatherCrmAnswers(opts: GatherOptions): Promise<Gathered> {
  const { lookups, state, reader, now } = opts;
  const found = new Map<string, { contact: ContactValues } | { error: string }>();
  const wanted = new Map<string, { emails: Set<string>; properties: Set<string>; ttlMs: number }>();
  const fromCache = new Set<string>();
  for (const l of lookups.flat()) {
    if (l.email === undefined) continue;
    const id = cacheKey(l.destination, l.email);
    if (found.has(id) || fromCache.has(id)) continue;
    const hit = fresh(state.get(stateId(CRM_SCOPE, id)), l, now);
    if (hit !== undefined) {
      found.set(id, { contact: hit.contact });
      fromCache.add(id);
      continue;
    }
    const w = wanted.get(l.destination) ?? { emails: new Set<string>(), properties: new Set<string>(), ttlMs: l.ttlMs };
    w.emails.add(l.email);
    for (const p of l.properties) w.properties.add(p);
    w.ttlMs = Math.min(w.ttlMs, l.ttlMs);
    wanted.set(l.destination, w);
  }
  // Asked again later for the same email and more properties: ask for the union now.
  for (const l of lookups.flat()) if (l.email !== undefined && wanted.get(l.destination)?.emails.has(l.email)) for (const p of l.properties) wanted.get(l.destination)?.properties.add(p);

  const writes: RuleState[] = [];
  let retryAfterMs: number | undefined;
  const fetched = new Set<string>();
  for (const [destination, w] of wanted) {
    const emails = [...w.emails];
    const properties = [...w.properties].sort();
    for (let i = 0; i < emails.length; i += reader?.maxBatch ?? emails.length) {
      const chunk = emails.slice(i, i + (reader?.maxBatch ?? emails.length));
      const outcome = reader === undefined ? { status: 'error' as const, reason: opts.uncached ?? 'CRM value not cached' } : await reader.read(destination, chunk, properties);
      for (const email of chunk) {
        const id = cacheKey(destination, email);
        if (outcome.status === 'error') {
          found.set(id, { error: outcome.reason });
          continue;
        }
        const contact = outcome.contacts.get(email) ?? null;
        found.set(id, { contact });
        fetched.add(id);
        const value: Cached = { at: now, properties, contact };
        writes.push({ scope: CRM_SCOPE, key: id, value: value as unknown as Json, expiresAt: now + w.ttlMs });
      }
      if (outcome.status === 'error' && outcome.retryAfterMs !== undefined) retryAfterMs = Math.max(retryAfterMs ?? 0, outcome.retryAfterMs);
    }
  }

  const counted = new Set<string>();
  const answers: Map<string, CrmAnswer>[] = [];
  const outcomes: { destination: string; outcome: LookupOutcome }[][] = [];
  for (const eventLookups of lookups) {
    const mine = new Map<string, CrmAnswer>();
    const how: { destination: string; outcome: LookupOutcome }[] = [];
    for (const l of eventLookups) {
      if (l.email === undefined) {
        mine.set(l.destination, { status: 'known', contact: null });
        continue;
      }
      const id = cacheKey(l.destination, l.email);
      const f = found.get(id);
      if (f === undefined || 'error' in f) {
        mine.set(l.destination, { status: 'unknown', reason: f?.error ?? 'CRM value not looked up' });
        how.push({ destination: l.destination, outcome: 'error' });
        continue;
      }
      mine.set(l.destination, { status: 'known', contact: f.contact });
      // The first event of an email read now is the call's; the others (and cached ones) are hits.
      how.push({ destination: l.destination, outcome: fetched.has(id) && !counted.has(id) ? 'miss' : 'hit' });
      counted.add(id);
    }
    answers.push(mine);
    outcomes.push(how);
  }
  return { answers, outcomes, writes, retryAfterMs };
}
