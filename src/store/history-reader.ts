import type { StoredEvent } from './store.js';

/** A job as the rules first planned it (replays left out): which rule sent what where. */
export interface PlannedJobRef {
  readonly eventId: string;
  readonly rule: string;
  readonly destination: string;
}

/**
 * Reads stored history in arrival order for `bridge backtest`. Read-only: safe against a running
 * bridge's store. Async, as every store contract is, so another engine can implement it.
 */
export interface HistoryReader {
  /** Events received in [since, until), in arrival order. */
  eventsBetween(since: number, until: number): Promise<StoredEvent[]>;
  /** The first-planned jobs (not replays) of the events received in [since, until). */
  jobsBetween(since: number, until: number): Promise<PlannedJobRef[]>;
}
