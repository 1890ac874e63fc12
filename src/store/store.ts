import type { Json } from '../events/event.js';
import type { DeliveryQueries } from './delivery-queries.js';
import type { DigestStore } from './digest-store.js';
import type { ForgetPerson } from './forget-person.js';
import type { HistoryReader } from './history-reader.js';
import type { JobQueue } from './job-queue.js';
import type { LeaseStore } from './lease-store.js';
import type { PlannerStore } from './planner-store.js';

/** An event as the intake stores it. */
export interface StoredEvent {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  /** The validated payload, as JSON text (never re-serialised from a deep object). */
  readonly payload: string;
  /** Hash of the rules in force when the event was received (the planner records the version it used). */
  readonly rulesVersion: string;
  readonly receivedAt: number;
  /**
   * The request headers the intake received, secrets already redacted (receive/delivery-headers.ts),
   * as JSON text; absent for events stored before migration 5 or not received over HTTP.
   */
  readonly headers?: string;
}

/** One action job produced by the rules for an event. `id` is the plan key `${eventId}:${rule}:${index}`. */
export interface NewJob {
  readonly id: string;
  readonly eventId: string;
  readonly rule: string;
  readonly actionIndex: number;
  readonly destination: string;
  readonly kind: string;
  readonly request: Json;
}

export type AcceptResult = 'accepted' | 'duplicate';

/**
 * The intake side of the store: the seam between receiving and planning. `accept` stores the event
 * (durably, before it resolves) unless an event with the same id was stored already or seen within
 * the dedupe window, in which case nothing is stored and it resolves 'duplicate'. The event id is
 * the dedupe key: the sender's delivery id, or the content id. The planner (src/planner) turns
 * stored events into jobs behind the commit.
 */
export interface IntakeStore {
  accept(event: StoredEvent): Promise<AcceptResult>;
}

/**
 * The whole store, as the bridge, the CLI and the console use it, whichever engine is under it
 * (`openStore` picks one). Every contract is async; only `writable` is not (see there).
 */
export interface Store extends IntakeStore {
  /** Where it stores, for logs and operators: a file path (SQLite), a URL without its password. */
  readonly location: string;
  readonly planner: PlannerStore;
  /** Buffered digest items, flushed into jobs when their window closes. */
  readonly digests: DigestStore;
  readonly queue: JobQueue;
  /** Which process runs each destination's lane (dispatch/lane-leases.ts). */
  readonly leases: LeaseStore;
  readonly deliveries: DeliveryQueries;
  readonly history: HistoryReader;
  /** Deletes everything stored about one person (`bridge forget`). */
  readonly forgetPerson: ForgetPerson;
  /** Forgets ids of pruned events older than the dedupe window (commits also do this hourly); resolves how many. */
  pruneDedupe(now: number): Promise<number>;
  /**
   * Deletes events received before `cutoff` whose jobs are all finished, with their jobs, at most
   * `limit` per call; resolves how many events went. Call again until it resolves 0.
   */
  pruneHistory(cutoff: number, limit?: number): Promise<number>;
  /**
   * Readiness (`/readyz`): the store is open and its last write (if any) succeeded. Synchronous on
   * purpose: a probe calls it often and must never wait on the store it probes, so it answers from
   * what the engine already knows (SQLite: the file is open, its folder writable, the last intake
   * commit succeeded; an engine over the network: the outcome of its latest query or ping).
   */
  writable(): boolean;
  /**
   * Whether other bridge processes may share this store (PostgreSQL): then lanes are leased
   * (dispatch/lane-leases.ts) and `subscribe` hears their commits. False for SQLite, which one
   * process owns (the data folder's lock).
   */
  readonly shared: boolean;
  /**
   * Calls `on('events')` when any process stored events, `on('jobs')` when any made jobs due
   * (planned, flushed, replayed), so this process's planner and dispatcher wake at once rather
   * than at their next poll. Never called on SQLite: its one process wakes them itself.
   */
  subscribe(on: (what: 'events' | 'jobs') => void): { close(): Promise<void> };
  /** Commits anything still queued, then closes (the file, or the connections). */
  close(): Promise<void>;
}
