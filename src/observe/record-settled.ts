import type { SettledJob } from '../dispatch/dispatcher-types.js';
import { DRY_RUN_REF } from '../dispatch/dry-run-sender.js';
import type { Metrics } from './metrics.js';

/** Turns each settled attempt into the action metrics (the dispatcher's `onSettled`). */
export function recordSettled(metrics: Metrics): (e: SettledJob) => void {
  return (e) => {
    metrics.actionOutcome(e.destination, e.kind, e.ref === DRY_RUN_REF ? 'dry_run' : e.outcome);
    if (e.result === 'retry') metrics.actionRetried(e.destination);
    if (e.result === 'dead') metrics.deadLettered(e.destination);
    if (e.result === 'done') metrics.observeDelivery(e.destination, e.ageMs / 1000);
    // A dry run sent nothing: it is counted in bridge_actions_total{outcome="dry_run"} only.
    if (e.result === 'done' && e.ref !== DRY_RUN_REF) metrics.ruleSent(e.rule);
  };
}
