import type { Json } from '../events/event.js';

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
