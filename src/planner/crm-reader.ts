/** A contact's properties as the CRM answered (null: no value), or null: no such contact. */
export type ContactValues = Readonly<Record<string, string | null>> | null;

/** What one read of up to `maxBatch` emails came to. */
export type CrmReadOutcome =
  | { readonly status: 'ok'; readonly contacts: ReadonlyMap<string, ContactValues> }
  | { readonly status: 'error'; readonly reason: string; readonly retryAfterMs?: number };

/**
 * How the planner reads contacts from a HubSpot destination (the bridge wires the HubSpot batch
 * reader and the destination's rate budget behind it; tests pass fakes). Never throws for a
 * vendor's failure: it says why.
 */
export interface CrmReader {
  /** Emails per call (HubSpot batch read: 100). */
  readonly maxBatch: number;
  /** Every email asked for is in `contacts`. */
  read(destination: string, emails: readonly string[], properties: readonly string[]): Promise<CrmReadOutcome>;
}

/** Where one event's CRM answer came from, as counted in `bridge_crm_lookups_total`. */
export type LookupOutcome = 'hit' | 'miss' | 'error';
