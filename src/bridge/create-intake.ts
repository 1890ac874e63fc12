import type { BridgeEvent } from '../events/event.js';
import type { Logger } from '../log.js';
import type { Intake } from '../receive/webhook-route.js';
import type { EvaluationMode } from '../rules/evaluate-condition.js';
import type { Plan } from '../rules/plan-types.js';
import type { IntakeStore, NewJob } from '../store/store.js';

/** What the intake needs from the current rules: a pure planner and its version. */
export interface ActiveRules {
  readonly version: string;
  /** `explain` evaluates every branch of all/any for `bridge test`; the intake decides. */
  plan(event: BridgeEvent, mode?: EvaluationMode): Plan;
}

export interface IntakeDeps {
  readonly rules: () => ActiveRules;
  readonly store: IntakeStore;
  readonly now: () => number;
  readonly log: Logger;
  /** Called after an event and its jobs are durably stored (wakes the dispatcher). */
  readonly onAccepted?: (event: BridgeEvent, plan: Plan) => void;
  /** Called when the event was seen before: nothing was stored, nothing fires. */
  readonly onDuplicate?: (event: BridgeEvent) => void;
}

/** Turns a plan's matches into the jobs the dispatcher runs. */
export function jobsOf(event: BridgeEvent, plan: Plan): NewJob[] {
  return plan.matches.flatMap((m) =>
    m.actions.map((a) => ({
      id: a.key,
      eventId: event.id,
      rule: m.rule,
      actionIndex: a.index,
      destination: a.destination,
      kind: a.kind,
      request: a.request,
    })),
  );
}

/**
 * The seam between receiving and dispatching: plan the event with the rules in force, then store
 * the event and its jobs in one transaction. It resolves only once that is durable, so the route
 * can acknowledge; a redelivery (same event id) stores and fires nothing.
 */
export function createIntake(deps: IntakeDeps): Intake {
  return async (event) => {
    const rules = deps.rules();
    const plan = rules.plan(event);
    const jobs = jobsOf(event, plan);
    const result = await deps.store.accept(
      { id: event.id, type: event.type, name: event.name, payload: JSON.stringify(event.payload), rulesVersion: rules.version, receivedAt: deps.now() },
      jobs,
    );
    // The one line per received event (refusals are logged by the receiver's error handler).
    deps.log.info(
      { eventId: event.id, type: event.type, outcome: result, rulesVersion: rules.version, rules: plan.matches.map((m) => m.rule), jobs: result === 'accepted' ? jobs.length : 0 },
      'event received',
    );
    if (result === 'accepted') {
      // An action whose request could not be built from this event (planned as a miss) would
      // otherwise vanish without a trace.
      for (const m of plan.misses) if (m.reason.includes(' not built: ')) deps.log.warn({ eventId: event.id, rule: m.rule, reason: m.reason }, 'action not built');
      deps.onAccepted?.(event, plan);
    } else deps.onDuplicate?.(event);
    return result;
  };
}
