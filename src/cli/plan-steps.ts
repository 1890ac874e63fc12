import type { ActiveRules } from '../bridge/active-rules.js';
import type { BridgeEvent } from '../events/event.js';
import type { Job } from '../store/job-queue.js';
import type { EventDecision } from '../store/planner-store.js';
import { withScratchPlanner } from './scratch-planner.js';

/** One event of a rule test, received at `at` (ms). */
export interface PlanStep {
  readonly at: number;
  readonly event: BridgeEvent;
}

/** What the planner recorded for one step: its decision and the jobs it wrote. */
export interface StepOutcome {
  readonly decision: EventDecision;
  readonly jobs: readonly Job[];
}

/**
 * Plans `steps` in order exactly as `bridge serve` does: each event is stored (received at its
 * step's time), then the real planner plans it with the rules, reading and writing its memory
 * (counts, first and last seen, cooldowns) in a throw-away SQLite store (scratch-planner.ts).
 * Nothing is sent: the jobs stay in the store. Steps must be in time order. Conditions are
 * planned in `explain` mode, so each decision lists every rule that missed, with why.
 */
export async function planSteps(rules: ActiveRules, steps: readonly PlanStep[]): Promise<StepOutcome[]> {
  // A dry run explains: each decision then lists every rule's miss with why, which is what a failed step prints.
  const explaining: ActiveRules = { ...rules, plan: (event, ctx) => rules.plan(event, { now: 0, state: new Map(), ...ctx, mode: 'explain' }) };
  return withScratchPlanner(explaining, steps[0]?.at ?? 0, async ({ store, planner, setClock }) => {
    const out: StepOutcome[] = [];
    for (const { at, event } of steps) {
      setClock(at);
      const accepted = await store.accept({
        id: event.id, type: event.type, name: event.name, payload: JSON.stringify(event.payload), rulesVersion: rules.version, receivedAt: at,
      });
      if (accepted !== 'accepted') throw new Error(`event ${event.id} was stored twice`);
      planner.wake();
      await planner.idle();
      const decision = await store.planner.decisionOf(event.id);
      if (decision === undefined) throw new Error(`event ${event.id} was not planned`);
      out.push({ decision, jobs: await store.deliveries.jobsForEvent(event.id) });
    }
    return out;
  });
}
