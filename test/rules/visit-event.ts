import { readFileSync } from 'node:fs';
import type { BridgeEvent, JsonObject } from '../../src/events/event.js';
import { parseEvent } from '../../src/events/parse-event.js';

/** The docs' User Visits Server example (test/fixtures/events/visit.json), a fresh copy each call. */
export function visitPayload(): JsonObject {
  return JSON.parse(readFileSync(new URL('../fixtures/events/visit.json', import.meta.url), 'utf8')) as JsonObject;
}

/** A validated event from a payload, with a readable delivery id. */
export function eventFrom(payload: unknown, deliveryId = 'd-1'): BridgeEvent {
  const parsed = parseEvent(payload, deliveryId);
  if (!parsed.ok) throw new Error(`fixture is not a valid event: ${JSON.stringify(parsed.issues)}`);
  return parsed.event;
}
