import type { EventType } from './event-types.js';

/** JSON value as parsed from a delivery (objects are plain, prototype keys never resolved by rules). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/**
 * One validated Returning.AI event, the only event shape the rules and actions see.
 * `id` is the delivery id when the sender gives one, else a hash of the payload's content,
 * so a redelivery of the same payload gets the same id.
 */
export interface BridgeEvent {
  readonly id: string;
  readonly type: EventType;
  /** `event.name` exactly as sent. */
  readonly name: string;
  /** The validated payload: envelope (owner, user, date, event, server) plus any extra fields. */
  readonly payload: JsonObject;
}
