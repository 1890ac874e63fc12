import type * as z from 'zod';
import { contentId } from './content-id.js';
import { EnvelopeSchema, UnknownEventSchema, UserVisitedSchema } from './envelope-schema.js';
import type { BridgeEvent, JsonObject } from './event.js';
import { eventTypeOf } from './event-types.js';

export interface EventIssue {
  /** Dotted path into the payload, e.g. `user.email`; empty for the root. */
  readonly path: string;
  readonly message: string;
}

export type ParseEventResult =
  | { readonly ok: true; readonly event: BridgeEvent }
  | { readonly ok: false; readonly issues: readonly EventIssue[] };

const MAX_DELIVERY_ID = 200;

/**
 * Validates a parsed JSON body and turns it into the bridge's one event shape. `deliveryId` is the
 * sender's delivery id header when there is one; the event id is that, or the content id.
 */
export function parseEvent(body: unknown, deliveryId?: string): ParseEventResult {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, issues: [{ path: '', message: 'expected a JSON object' }] };
  }
  const name = (body as { event?: { name?: unknown } }).event?.name;
  const type = typeof name === 'string' ? eventTypeOf(name) : 'unknown';
  const schema: z.ZodType = type === 'user.visited' ? UserVisitedSchema : type === 'unknown' ? UnknownEventSchema : EnvelopeSchema;
  const result = schema.safeParse(body);
  if (!result.success) {
    return {
      ok: false,
      issues: result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    };
  }
  const payload = body as JsonObject;
  const id = deliveryId !== undefined && deliveryId.length > 0 && deliveryId.length <= MAX_DELIVERY_ID ? deliveryId : contentId(payload);
  return { ok: true, event: { id, type, name: name as string, payload } };
}
