/** Who owns a named piece of work (a destination's lane: `lane:<destination>`) until when. */
export interface Lease {
  readonly name: string;
  /** The process that holds it (a random id per bridge process, with its host and pid for people). */
  readonly owner: string;
  /** ms since the epoch; past it, any process may take the lease. */
  readonly expiresAt: number;
}

/** What one `acquire` call left this owner holding. */
export interface LeaseGrant {
  /** Every name asked for that this owner holds now, until `now + ttlMs`. */
  readonly held: readonly string[];
  /** Of those, the ones it did not hold before the call (free, expired or released): its work must be recovered. */
  readonly taken: readonly string[];
}

/**
 * Leases with a heartbeat: each bridge process calls `acquire` for every lane every few seconds,
 * which renews what it holds and takes what is free or expired, so a lane is run by one process at
 * a time and a dead process's lanes pass to the others once their lease expires. Times are the
 * callers' clocks (as Kubernetes' Lease objects use their clients'), so the bridges' machines need
 * synchronised clocks (NTP); a skew well under the lease's length does no harm.
 */
export interface LeaseStore {
  /** In one transaction: renews each name this owner holds, takes each that is free or expired. */
  acquire(names: readonly string[], owner: string, ttlMs: number, now: number): Promise<LeaseGrant>;
  /** Gives up this owner's leases on `names` (on shutdown), so another process need not wait for expiry. */
  release(names: readonly string[], owner: string): Promise<void>;
  /** Every lease, expired ones included, by name. */
  list(): Promise<Lease[]>;
}
