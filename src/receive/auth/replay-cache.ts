/**
 * Remembers signed requests (`webhook-id` + `webhook-timestamp`) while their timestamp is inside
 * the tolerance, so a captured request cannot be replayed as is. A sender's genuine retry signs
 * again with a fresh timestamp and passes; the durable dedupe then answers it as a duplicate.
 * In memory only: after a restart the durable dedupe still stops replays from acting twice.
 */
export interface ReplayCache {
  /** Records the key; false when it was already seen and has not expired. */
  remember(key: string, expiresAtMs: number): boolean;
  forget(key: string): void;
}

/** Bounded at `max` entries (the oldest go first) so a flood of signed requests cannot exhaust memory. */
export function createReplayCache(now: () => number, max = 100_000): ReplayCache {
  const seen = new Map<string, number>();
  return {
    remember(key, expiresAtMs) {
      const t = now();
      const until = seen.get(key);
      if (until !== undefined && until > t) return false;
      seen.delete(key);
      // Insertion order is roughly expiry order; sweep expired entries from the front.
      for (const [k, exp] of seen) {
        if (exp > t && seen.size < max) break;
        seen.delete(k);
      }
      seen.set(key, expiresAtMs);
      return true;
    },
    forget(key) {
      seen.delete(key);
    },
  };
}
