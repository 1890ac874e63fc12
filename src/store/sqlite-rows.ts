import type { Json } from '../events/event.js';
import type { StoredEvent } from './store.js';
import type { Job, JobStatus } from './job-queue.js';
import { eventIdOfJob } from './job-id.js';

/** Finds a job by id through its event: the only index on job ids is (event_seq, id). */
export const JOB_BY_ID = 'event_seq = (SELECT seq FROM events WHERE id = @eventId) AND id = @id';

/** The named parameters of JOB_BY_ID for job `id` (an id that names no event finds nothing). */
export function jobKey(id: string): { eventId: string; id: string } {
  return { eventId: eventIdOfJob(id) ?? '', id };
}

/** A `jobs` row as better-sqlite3 returns it. */
export interface JobRow {
  /** Insertion order (the rowid). */
  seq: number;
  id: string;
  /** The `seq` of the job's event. */
  event_seq: number;
  plan_key: string;
  event_id: string;
  rule: string;
  action_index: number;
  destination: string;
  kind: string;
  request: string;
  status: JobStatus;
  attempts: number;
  next_at: number;
  created_at: number;
  updated_at: number;
  last_error: string | null;
  ref: string | null;
  replay_of: string | null;
  /** Migration 7. */
  ref_channel?: string | null;
}

/** An `events` row. */
export interface EventRow {
  /** Arrival order (the rowid). */
  seq: number;
  id: string;
  type: string;
  name: string;
  payload: string;
  rules_version: string;
  received_at: number;
  /** Migration 5; null for events stored before it or not received over HTTP. */
  headers: string | null;
}

export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    planKey: row.plan_key,
    eventId: row.event_id,
    rule: row.rule,
    actionIndex: row.action_index,
    destination: row.destination,
    kind: row.kind,
    request: JSON.parse(row.request) as Json,
    status: row.status,
    attempts: row.attempts,
    nextAt: row.next_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastError: row.last_error,
    ref: row.ref,
    refChannel: row.ref_channel ?? null,
    replayOf: row.replay_of,
  };
}

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    payload: row.payload,
    rulesVersion: row.rules_version,
    receivedAt: row.received_at,
    ...(row.headers !== null && row.headers !== undefined && { headers: row.headers }),
  };
}
