import { registry } from '../actions/registry.js';
import type { LoadedRules } from '../config/load-rules.js';
import type { PlanningRules } from '../planner/planning-rules.js';
import { compileRules } from '../rules/compile-rules.js';
import { planEvent, stateKeysOf } from '../rules/plan.js';
import { crmLookupsOf } from '../rules/crm-lookups.js';
import { renderDigest } from '../rules/render-digest.js';

/** The rules in force as the planner and the CLI use them. */
export type ActiveRules = PlanningRules;

/** Compiles loaded rules once, for the server and the CLI's dry run alike. */
export function activeRules(loaded: LoadedRules): ActiveRules {
  const destinations = new Map([...loaded.destinations].map(([name, d]) => [name, { kind: d.kind, config: d.config }]));
  const compiled = compileRules({ file: loaded.file, destinations }, registry);
  return {
    version: loaded.version,
    stateKeys: (event, now) => stateKeysOf(compiled, event, now),
    plan: (event, ctx) => planEvent(compiled, event, ctx),
    crmLookups: (event, now) => crmLookupsOf(compiled, event, now),
    renderDigest: (digest) => renderDigest(compiled, digest),
  };
}
