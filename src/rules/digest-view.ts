import type { Json, JsonObject } from '../events/event.js';

/** One digest's content, before it is rendered. */
export interface DigestContent {
  readonly key: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  /** Every buffered item (an event view each), oldest first. */
  readonly items: readonly JsonObject[];
  readonly maxItems: number;
}

/**
 * What a digest's templates see: the newest item's fields (`{{ server.name }}`), and `digest`
 * (DIGEST_FIELDS): count, the first max_items items, how many more, the key and the window. Derived
 * like event.type: an item's own field named `digest` cannot spoof it.
 */
export function withDigest(newest: JsonObject, d: DigestContent): JsonObject {
  const listed = d.items.slice(0, d.maxItems);
  const digest: Json = {
    count: d.items.length,
    items: [...listed],
    more: d.items.length - listed.length,
    key: d.key,
    window_start: new Date(d.windowStart).toISOString(),
    window_end: new Date(d.windowEnd).toISOString(),
  };
  return Object.assign(Object.create(null) as Record<string, Json>, newest, { digest });
}
