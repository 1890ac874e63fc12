import type { EventType } from './event-types.js';

/** Fields the bridge derives from every event, available to conditions and templates. */
export const DERIVED_FIELDS = ['user.email_domain', 'owner.email_domain', 'event.type', 'event.id'] as const;

const ENVELOPE_FIELDS = [
  'owner.id', 'owner.name', 'owner.avatar', 'owner.email',
  'user.id', 'user.name', 'user.email',
  'date', 'event.name', 'event.description', 'server.id', 'server.name',
];
const VISIT_FIELDS = [
  ...ENVELOPE_FIELDS,
  'user.firstName', 'user.lastName', 'user.avatar', 'user.nicename', 'user.displayname',
];
const ENVELOPE_ROOTS = new Set(['owner', 'user', 'date', 'event', 'server']);

/**
 * Whether `path` can name something in events of `type`. The envelope (owner, user, date, event,
 * server) is closed to the documented fields, so a typo such as `user.emial` is an error; fields
 * outside the envelope are open for the undocumented events (a message, a store item), whose shape
 * is not known; unknown events are open everywhere.
 */
export function isKnownField(type: EventType, path: string): boolean {
  if ((DERIVED_FIELDS as readonly string[]).includes(path)) return true;
  if (type === 'unknown') return true;
  if (VISIT_FIELDS.some((f) => f === path || f.startsWith(`${path}.`))) return true;
  if (type === 'user.visited') return false;
  return !ENVELOPE_ROOTS.has(path.split('.')[0] ?? '');
}

/** Fields listed in error messages as suggestions. */
export function knownFields(type: EventType): readonly string[] {
  return [...(type === 'unknown' ? ENVELOPE_FIELDS : VISIT_FIELDS), ...DERIVED_FIELDS];
}
