import type { BridgeEvent, JsonObject } from '../events/event.js';
import type { EventType } from '../events/event-types.js';
import type { Plan } from '../rules/plan-types.js';
import { NO_STATE } from '../rules/state-types.js';
import type { StoredEvent } from '../store/store.js';
import type { PlanningRules } from './planning-rules.js';

/** The stored event as the rules see it (the payload was validated when it was received). */
export function bridgeEventOf(stored: StoredEvent): BridgeEvent {
  return { id: stored.id, type: stored.type as EventType, name: stored.name, payload: JSON.parse(stored.payload) as JsonObject };
}

/**
 * A stored event explained at its receive time with `rules` (`bridge test --event-id`, the
 * console's event page): why each rule matched or missed, every condition with the value it saw.
 * The planner records only the misses it cannot explain again (those that read memory); this
 * explains the others from the same compiled conditions. No memory is read: memory conditions see
 * the event as the first ever (the recorded decision has what memory said).
 */
export function explainStoredEvent(stored: StoredEvent, rules: PlanningRules): Plan {
  return rules.plan(bridgeEventOf(stored), { now: stored.receivedAt, state: NO_STATE, mode: 'explain' }).plan;
}
