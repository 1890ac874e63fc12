import type { ActiveRules } from '../bridge/active-rules.js';
import type { PlannedJobRef } from '../store/history-reader.js';
import type { StoredEvent } from '../store/store.js';
import { withScratchPlanner } from './scratch-planner.js';

/** Events stored per group commit while filling the scratch store. */
const CHUNK = 1000;

/**
 * Plans stored events with `rules` exactly as `bridge serve` would have, with fresh memory: the
 * events go, in their order and at their receive times, into a throw-away SQLite store, the real
 * planner plans them (counts, cooldowns and quiet hours see only these events), the digest windows
 * that ended by `until` are flushed, and the jobs written are returned (a digest's under its newest
 * item's event). Nothing is sent; the store is removed after.
 */
export async function planHistory(rules: ActiveRules, events: readonly StoredEvent[], until: number): Promise<PlannedJobRef[]> {
  return withScratchPlanner(rules, until, async ({ store, planner, digests }) => {
    for (let i = 0; i < events.length; i += CHUNK) {
      // One group commit per chunk; arrival order is call order.
      await Promise.all(events.slice(i, i + CHUNK).map((e) => store.accept({ ...e, rulesVersion: rules.version })));
    }
    planner.wake();
    await planner.idle();
    await digests.flush(until);
    return store.history.jobsBetween(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  });
}
