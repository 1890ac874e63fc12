import type { BridgeEvent } from '../events/event.js';
import type { Plan } from '../rules/plan-types.js';
import type { PlannedJob } from '../store/planner-store.js';

/** Turns a plan's matches into the jobs the dispatcher runs; a match deferred by quiet hours is due at its `dueAt`. */
export function jobsOf(event: BridgeEvent, plan: Plan): PlannedJob[] {
  // A shadow rule's match is recorded in the decision only: nothing of it reaches a sender.
  return plan.matches.filter((m) => m.shadow !== true).flatMap((m) =>
    m.actions.map((a) => ({
      id: a.key,
      eventId: event.id,
      rule: m.rule,
      actionIndex: a.index,
      destination: a.destination,
      kind: a.kind,
      request: a.request,
      ...(m.until !== undefined && { dueAt: m.until }),
    })),
  );
}
