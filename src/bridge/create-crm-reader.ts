import { createHash } from 'node:crypto';
import { createContactReader, MAX_READ_BATCH, type ContactReader } from '../actions/hubspot/read-contacts.js';
import { kindOf } from '../actions/registry.js';
import type { ResolvedDestination } from '../config/load-rules.js';
import type { RateLimiter } from '../dispatch/rate-limiter.js';
import type { CrmReader, CrmReadOutcome } from '../planner/crm-reader.js';

export interface CrmReaderOptions {
  /** The destinations in force (a reload may change them). */
  readonly destinations: () => ReadonlyMap<string, ResolvedDestination>;
  /** The dispatcher's limiter: a lookup spends its destination's budget, as a send does. */
  readonly limiter: RateLimiter;
  readonly now: () => number;
  /** HUBSPOT_API_URL. */
  readonly apiUrl?: string;
  readonly timeoutMs: number;
  /** Longest wait for a slot of the budget before the lookup fails (default 10 s: one HubSpot window). */
  readonly maxWaitMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface ClosableCrmReader extends CrmReader {
  close(): void;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * The planner's CRM reader for `bridge serve`: HubSpot's batch read by email (read-contacts.ts)
 * per HubSpot destination, each call taking a slot of the destination's rate budget from the
 * dispatcher's limiter (the key its sends use: `requests_per_10s` per token, HubSpot's documented
 * limit, https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines), and a
 * 429's Retry-After pausing that budget for sends too. A dry destination (no token) reads nothing.
 */
export function createCrmReader(opts: CrmReaderOptions): ClosableCrmReader {
  const sleep = opts.sleep ?? defaultSleep;
  const maxWaitMs = opts.maxWaitMs ?? 10_000;
  const readers = new Map<string, { print: string; reader: ContactReader }>();
  const kind = kindOf('hubspot');

  const readerOf = (name: string, d: ResolvedDestination): ContactReader => {
    const print = createHash('sha256').update(JSON.stringify([d.secrets, opts.apiUrl ?? ''])).digest('hex');
    const known = readers.get(name);
    if (known?.print === print) return known.reader;
    known?.reader.close();
    const reader = createContactReader({ ...(opts.apiUrl !== undefined && { apiUrl: opts.apiUrl }), secrets: d.secrets, timeoutMs: opts.timeoutMs });
    readers.set(name, { print, reader });
    return reader;
  };

  return {
    maxBatch: MAX_READ_BATCH,
    async read(destination, emails, properties): Promise<CrmReadOutcome> {
      const d = opts.destinations().get(destination);
      if (d === undefined || d.kind !== 'hubspot' || kind === undefined) return { status: 'error', reason: `no hubspot destination "${destination}"` };
      if (!d.live) return { status: 'error', reason: `hubspot destination "${destination}" runs dry (its access token is not set): nothing to look up` };
      const limit = kind.rateLimit(d.config, {});
      const key = limit === undefined ? undefined : `${destination}\u0000${limit.key}`;
      if (limit !== undefined && key !== undefined) {
        let waited = 0;
        for (let wait = opts.limiter.take(key, limit, opts.now()); wait > 0; wait = opts.limiter.take(key, limit, opts.now())) {
          if (waited + wait > maxWaitMs) return { status: 'error', reason: `the rate budget of hubspot destination "${destination}" is spent for the next ${Math.ceil(wait / 1000)} s` };
          waited += wait;
          await sleep(wait);
        }
      }
      const outcome = await readerOf(destination, d).read(emails, properties);
      if (limit !== undefined && key !== undefined) opts.limiter.answered(key, limit, opts.now());
      if (outcome.status === 'ok') return outcome;
      if (outcome.status === 'retry' && outcome.retryAfterMs !== undefined) {
        if (key !== undefined) opts.limiter.pauseUntil(key, opts.now() + outcome.retryAfterMs);
        return { status: 'error', reason: outcome.reason, retryAfterMs: outcome.retryAfterMs };
      }
      return { status: 'error', reason: outcome.reason };
    },
    close() {
      for (const { reader } of readers.values()) reader.close();
      readers.clear();
    },
  };
}
