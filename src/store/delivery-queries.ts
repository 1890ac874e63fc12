import type { NewJob, StoredEvent } from './store.js';
import type { Job, JobStatus } from './job-queue.js';
import type { EventDecision } from './planner-store.js';

/** An event with its jobs, for `bridge deliveries` (the payload is left out; `getEvent` has it). */
export interface EventSummary {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  /** The rules version the planner used (the version in force at receipt while it is unplanned). */
  readonly rulesVersion: string;
  readonly receivedAt: number;
  /** What each rule decided; null while the event waits for the planner. */
  readonly decision: EventDecision | null;
  readonly jobs: readonly Job[];
}

/** What a replay did: one line per job asked for. */
export interface RequeueResult {
  readonly requeued: readonly { readonly from: string | null; readonly to: string }[];
  readonly skipped: readonly { readonly id: string; readonly reason: string }[];
}

/** What an event's decision and jobs came to, for filtering (`failed`: a job dead or ambiguous). */
export type EventOutcome = 'matched' | 'suppressed' | 'no_match' | 'failed';

export const EVENT_OUTCOMES: readonly EventOutcome[] = ['matched', 'suppressed', 'no_match', 'failed'];

/** Which events `listEvents` returns; every field given narrows the list. */
export interface EventFilter {
  /** Only events that have a job in this status. */
  readonly status?: JobStatus;
  readonly type?: string;
  /** `user.email` (any case) or `user.id`. */
  readonly user?: string;
  /** A rule the decision records (matched, suppressed, or a miss that read memory) or that has a job. */
  readonly rule?: string;
  readonly outcome?: EventOutcome;
  /** Received at or after (ms). */
  readonly since?: number;
  /** Received before (ms). */
  readonly until?: number;
  /** Default 50. */
  readonly limit?: number;
  /** Events to skip, newest first (pagination). */
  readonly offset?: number;
}

/** One destination's queue: jobs waiting to be sent and being sent. */
export interface QueueDepth {
  readonly pending: number;
  readonly running: number;
}

/** Job counts by status (queue depth, for metrics). */
export type JobCounts = Readonly<Record<JobStatus, number>>;

/**
 * What operators ask of the store: recent deliveries, dead letters, and replays. Async on every
 * engine, as every store contract is.
 *
 * A replay inserts a NEW job `${planKey}#r${n}` (with `replayOf` = the job it replays) rather than
 * resetting the old row, so the original attempt's error and ref stay on record, and the intake's
 * dedupe (which is keyed by delivery, not by job) never sees it. The replay keeps the plan key, so
 * senders get the same idempotency key (Discord nonce, HubSpot upsert) as the original.
 */
export interface DeliveryQueries {
  /** Newest events first, narrowed by the filter (`bridge deliveries --status`, the console's event list). */
  listEvents(opts?: EventFilter): Promise<EventSummary[]>;
  /** Dead jobs not yet replayed, newest first. */
  listDead(opts?: { readonly limit?: number }): Promise<Job[]>;
  getJob(id: string): Promise<Job | undefined>;
  getEvent(id: string): Promise<StoredEvent | undefined>;
  jobsForEvent(eventId: string): Promise<Job[]>;
  /**
   * Replays jobs with the request they were planned with ("rules as they were"): each finished
   * (done, dead or ambiguous) and not yet replayed job gets a new pending job due at `now`.
   */
  requeue(jobIds: readonly string[], now: number): Promise<RequeueResult>;
  /**
   * Enqueues jobs re-planned from a stored event ("rules as they are now"). A job whose plan key
   * exists already becomes its next replay; a new plan key is inserted under its own id.
   */
  enqueueReplay(jobs: readonly NewJob[], now: number): Promise<RequeueResult>;
  counts(): Promise<JobCounts>;
  /** Jobs waiting (pending) and in flight (running) per destination: the console's queue depth. */
  queueDepth(): Promise<Readonly<Record<string, QueueDepth>>>;
}
