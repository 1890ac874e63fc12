import type { PlanningRules } from '../planner/planning-rules.js';
import type { DeliveryQueries } from '../store/delivery-queries.js';
import type { PlannerStore } from '../store/planner-store.js';
import type { LinkSettings } from './vendor-link.js';

/** What the console reads: the store's operator queries and recorded decisions. */
export interface ConsoleStore {
  readonly deliveries: DeliveryQueries;
  readonly planner: Pick<PlannerStore, 'decisionOf' | 'readState'>;
}

/** The rules in force, as the console explains and replays with them. */
export interface ConsoleRules {
  readonly rules: PlanningRules;
  /** Every rule's name, in file order (filters, the rules page). */
  readonly names: readonly string[];
  /** Per destination name, what links its deliveries to the vendor's pages (vendor-link.ts). */
  readonly links?: ReadonlyMap<string, LinkSettings>;
}
