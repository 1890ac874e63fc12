/**
 * Returning.AI outgoing webhook names (the docs' titles, as sent in `event.name`) and the stable
 * internal type each maps to. Rules name the internal type in `on:`.
 * Docs: https://dev.returning.ai (Events → Outgoing webhooks).
 */
export const EVENT_TYPE_BY_NAME = {
  'User Joins Server': 'user.joined',
  'User Visits Server': 'user.visited',
  'New Message Posted Anywhere': 'message.posted',
  'New Message Posted To Channel': 'message.posted_to_channel',
  'Purchased Store Item': 'store.purchased',
} as const;

export type KnownEventType = (typeof EVENT_TYPE_BY_NAME)[keyof typeof EVENT_TYPE_BY_NAME];

/** Type given to an event whose `event.name` this bridge does not know yet. */
export const UNKNOWN_EVENT_TYPE = 'unknown';

export type EventType = KnownEventType | typeof UNKNOWN_EVENT_TYPE;

export const KNOWN_EVENT_TYPES: readonly KnownEventType[] = Object.values(EVENT_TYPE_BY_NAME);

/** Titles as eventTypeOf compares them: single-spaced, lower-case. */
const TYPE_BY_FOLDED_NAME: ReadonlyMap<string, KnownEventType> = new Map(
  Object.entries(EVENT_TYPE_BY_NAME).map(([title, type]) => [title.toLowerCase(), type]),
);

/** Maps `event.name` to the internal type, case- and whitespace-insensitively (the docs are not consistent: "User Visits server"). */
export function eventTypeOf(name: string): EventType {
  // Every delivery asks: the exact title first, then the folded one.
  if (Object.hasOwn(EVENT_TYPE_BY_NAME, name)) return EVENT_TYPE_BY_NAME[name as keyof typeof EVENT_TYPE_BY_NAME];
  return TYPE_BY_FOLDED_NAME.get(name.trim().replace(/\s+/g, ' ').toLowerCase()) ?? UNKNOWN_EVENT_TYPE;
}
