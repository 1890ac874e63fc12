import type { BridgeEvent } from '../events/event.js';
import type { PlanContext, PlanResult } from '../rules/state-types.js';
import type { StateKey } from '../store/planner-store.js';
import type { CrmLookup } from '../rules/crm-lookups.js';
import type { DigestToRender, RenderedDigest } from '../rules/render-digest.js';

/** What the planner (and the CLI's dry runs) need from the rules in force: pure functions and a version. */
export interface PlanningRules {
  readonly version: string;
  /** The state records planning `event`, received at `now`, may read (cooldowns, activity of the keys its rules name). */
  stateKeys(event: BridgeEvent, now: number): readonly StateKey[];
  plan(event: BridgeEvent, ctx?: PlanContext): PlanResult;
  /** The CRM contacts planning `event` needs (rules that read `crm.contact.*` and can still match it); none when absent. */
  crmLookups?(event: BridgeEvent, now: number): readonly CrmLookup[];
  /** A closed digest window's actions; undefined when no digest rule of that name is in force (absent: none is). */
  renderDigest?(digest: DigestToRender): RenderedDigest | undefined;
}
