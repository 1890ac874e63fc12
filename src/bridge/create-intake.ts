import type { BridgeEvent } from '../events/event.js';
import type { Logger } from '../log.js';
import type { Intake } from '../receive/webhook-route.js';
import type { IntakeStore } from '../store/store.js';

export interface IntakeDeps {
  /** The version of the rules in force, stored with the event (the planner records the one it used). */
  readonly rulesVersion: () => string;
  readonly store: IntakeStore;
  readonly now: () => number;
  readonly log: Logger;
  /** Called after the event is durably stored (wakes the planner). */
  readonly onAccepted?: (event: BridgeEvent) => void;
  /** Called when the event was seen before: nothing was stored, nothing fires. */
  readonly onDuplicate?: (event: BridgeEvent) => void;
}


/**
 * The seam between receiving and planning: stores the validated event (deduplicated, group
 * committed) and resolves once that is durable, so the route can acknowledge. No rule runs here:
 * the planner (src/planner) plans stored events behind the commit. A redelivery (same event id)
 * stores nothing, so it is never planned, counted or sent again.
 */
export function createIntake(deps: IntakeDeps): Intake {
  return async (event, headers) => {
    const rulesVersion = deps.rulesVersion();
    const result = await deps.store.accept({
      id: event.id, type: event.type, name: event.name, payload: JSON.stringify(event.payload), rulesVersion, receivedAt: deps.now(),
      ...(headers !== undefined && { headers: JSON.stringify(headers) }),
    });
    // The one line per received event (refusals are logged by the receiver's error handler).
    deps.log.info({ eventId: event.id, type: event.type, outcome: result, rulesVersion }, 'event received');
    if (result === 'accepted') deps.onAccepted?.(event);
    else deps.onDuplicate?.(event);
    return result;
  };
}
