import type { Json } from '../events/event.js';
import type { NewJob, StoredEvent } from './store.js';

/** A stored event the planner has not planned yet; `seq` is its place in arrival order. */
export interface UnplannedEvent extends StoredEvent {
  readonly seq: number;
}

/** Which state record: `scope` is what kind (`activity`, `cooldown`), `key` names it within the scope. */
export interface StateKey {
  readonly scope: string;
  readonly key: string;
}

/** One per-key state record. `expiresAt` (ms) is when housekeeping may delete it; null keeps it. */
export interface StateRecord extends StateKey {
  readonly value: Json;
  readonly expiresAt: number | null;
}

/** What one rule made of one event, as recorded. */
export interface RuleDecision {
  readonly rule: string;
  readonly outcome: 'matched' | 'suppressed' | 'missed' | 'error';
  /** Matched by a `mode: shadow` rule: would have sent, sent nothing. */
  readonly shadow?: true;
  /** Why it missed or was suppressed (`cooldown`, `quiet_hours`), the planning error, or (matched) `buffered into digest "<key>" until <ISO>`. */
  readonly reason?: string;
  /** Suppressed: when the cooldown ends or quiet hours end (ms). Matched under `defer`: when its jobs are due. */
  readonly until?: number;
  /** The condition tree as `bridge test` prints it. */
  readonly explanation?: Json;
}

/** The planner's record of one event: the rules version, and each evaluated rule's outcome. */
export interface EventDecision {
  readonly rulesVersion: string;
  readonly plannedAt: number;
  /** One line for `bridge deliveries`: `matched a, b; suppressed c (cooldown)`. */
  readonly summary: string;
  readonly rules: readonly RuleDecision[];
}

/** A job as the planner writes it: due now, or at `dueAt` (quiet hours deferred it). */
export interface PlannedJob extends NewJob {
  readonly dueAt?: number;
}

/** A match buffered into a digest window (README "Digests"), written instead of a job. */
export interface NewDigestItem {
  readonly rule: string;
  readonly key: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  /** The event view the digest renders the item as. */
  readonly item: Json;
}

export interface PlannedEvent {
  readonly seq: number;
  readonly eventId: string;
  readonly decision: EventDecision;
  readonly jobs: readonly PlannedJob[];
  readonly digestItems?: readonly NewDigestItem[];
}

/** One planner batch: every event planned, in order, and the state records as they ended. */
export interface PlanCommit {
  readonly events: readonly PlannedEvent[];
  readonly state: readonly StateRecord[];
  readonly now: number;
  /**
   * Events planned before, some of whose rules were planned again (a CRM lookup retried): their
   * jobs are added and their decision replaced.
   */
  readonly replanned?: readonly PlannedEvent[];
  /** State records to delete (a retry that is done). */
  readonly deleted?: readonly StateKey[];
}

/**
 * The planner's side of the store. Async on every engine (SQLite answers at once; PostgreSQL, in a
 * later issue, implements the same contract). One planner runs per store: it reads the next
 * unplanned events, reads the state they name, and commits their plans in one transaction.
 *
 * `commitPlans` is all or nothing: the jobs, the digest items, the state upserts, each event's decision, and the mark
 * that the events are planned. It refuses (rejects, storing nothing) a batch holding an event that
 * is already planned, or one that skips an unplanned event before its last one, so nothing is
 * planned twice or passed over.
 */
export interface PlannerStore {
  /** The oldest unplanned events, in arrival order, at most `limit`. */
  unplanned(limit: number): Promise<UnplannedEvent[]>;
  /** The records that exist among `keys` (missing ones are simply absent). */
  readState(keys: readonly StateKey[]): Promise<StateRecord[]>;
  /** Every record of one scope (a small one: the CRM retries waiting). */
  readScope(scope: string): Promise<StateRecord[]>;
  /** Stored events by `seq` (planned or not; pruned ones are absent). */
  eventsAt(seqs: readonly number[]): Promise<UnplannedEvent[]>;
  commitPlans(batch: PlanCommit): Promise<void>;
  /** The decision recorded for an event, if it was planned. */
  decisionOf(eventId: string): Promise<EventDecision | undefined>;
  /** How many stored events wait for the planner. */
  unplannedCount(): Promise<number>;
  /** Deletes state records whose `expiresAt` is at or before `now`; returns how many. */
  pruneState(now: number, limit?: number): Promise<number>;
}
