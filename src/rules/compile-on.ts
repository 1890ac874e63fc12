import type { BridgeEvent } from '../events/event.js';
import { KNOWN_EVENT_TYPES, UNKNOWN_EVENT_TYPE } from '../events/event-types.js';

/** Which events a rule is `on`: internal types, plus exact `event.name`s from `event:<name>`. */
export interface OnMatcher {
  readonly types: ReadonlySet<string>;
  readonly names: ReadonlySet<string>;
}

const ALL_KNOWN = '*';
const NAME_PREFIX = 'event:';

/** Why one `on` entry is not valid, or undefined when it is. For the config loader. */
export function onEntryError(entry: string): string | undefined {
  if (entry === ALL_KNOWN || entry === UNKNOWN_EVENT_TYPE) return undefined;
  if (entry.startsWith(NAME_PREFIX)) {
    return entry.length > NAME_PREFIX.length ? undefined : `"${NAME_PREFIX}" needs an event name, e.g. "event:User Visits Server"`;
  }
  if ((KNOWN_EVENT_TYPES as readonly string[]).includes(entry)) return undefined;
  return `unknown event type "${entry}"; use one of ${[...KNOWN_EVENT_TYPES, ALL_KNOWN, UNKNOWN_EVENT_TYPE].join(', ')} or "event:<exact event.name>"`;
}

/**
 * `'*'` is every KNOWN type (an event Returning.AI adds later must be opted into with `unknown` or
 * `event:<name>`); `unknown` is events whose name the bridge does not know; `event:<name>` matches
 * `event.name` exactly, known or not. Throws on entries the loader should have refused.
 */
export function compileOn(on: string | readonly string[]): OnMatcher {
  const types = new Set<string>();
  const names = new Set<string>();
  for (const entry of typeof on === 'string' ? [on] : on) {
    const error = onEntryError(entry);
    if (error !== undefined) throw new Error(error);
    if (entry === ALL_KNOWN) KNOWN_EVENT_TYPES.forEach((t) => types.add(t));
    else if (entry.startsWith(NAME_PREFIX)) names.add(entry.slice(NAME_PREFIX.length));
    else types.add(entry);
  }
  return { types, names };
}

export function isSubscribed(on: OnMatcher, event: BridgeEvent): boolean {
  return on.types.has(event.type) || on.names.has(event.name);
}
