import type { Json } from '../events/event.js';
import type { EvaluationMode } from './evaluate-condition.js';
import type { Plan } from './plan-types.js';
import type { CrmAnswer } from './crm-fields.js';

/**
 * One per-key state record as the rules see it (the store's StateRecord has the same shape).
 * Scopes: `activity` (key `<key path or template>|<rendered key>`) and `cooldown` (key
 * `<rule>|<rendered key>`).
 */
export interface RuleState {
  readonly scope: string;
  readonly key: string;
  readonly value: Json;
  /** When housekeeping may delete it (ms); null keeps it. */
  readonly expiresAt: number | null;
}

/** The records a plan may read, by `stateId(scope, key)`; a missing one was never written (or expired). */
export type StateSnapshot = ReadonlyMap<string, RuleState>;

export const stateId = (scope: string, key: string): string => `${scope}\u0000${key}`;

export const NO_STATE: StateSnapshot = new Map();

/** What planning an event may know besides the event: the receive time and the state snapshot. */
export interface PlanContext {
  /** The bridge's receive time of the event (ms), never the payload's `date`. */
  readonly now: number;
  readonly state: StateSnapshot;
  /**
   * An operator's re-plan (`bridge replay --rules-now`): reads the state as it is, but does not
   * count the event again, and neither checks nor starts cooldowns. No updates come out.
   */
  readonly replay?: boolean;
  /** `explain` evaluates every branch of all/any (`bridge test`); the planner decides (default). */
  readonly mode?: EvaluationMode;
  /**
   * The event user's contact in each HubSpot destination its rules look up (`crm.contact.*`), as
   * the planner found it; a destination missing here is unknown (`CRM value not looked up`).
   */
  readonly crm?: ReadonlyMap<string, CrmAnswer>;
  /**
   * A CRM retry (`on_lookup_error: retry`): plans only these rules, reads the memory as it is
   * without counting the event again (its first planning did), and checks and starts cooldowns.
   */
  readonly only?: ReadonlySet<string>;
}

/** A plan and the state records it changed (full values: upserts), for the planner to write. */
export interface PlanResult {
  readonly plan: Plan;
  readonly updates: readonly RuleState[];
}
