import { registry } from '../actions/registry.js';
import type { LoadedRules } from '../config/load-rules.js';
import { compileRules } from '../rules/compile-rules.js';
import { planEvent } from '../rules/plan.js';
import type { ActiveRules } from './create-intake.js';

/** Compiles loaded rules once, for the server and the CLI's dry run alike. */
export function activeRules(loaded: LoadedRules): ActiveRules {
  const destinations = new Map([...loaded.destinations].map(([name, d]) => [name, { kind: d.kind, config: d.config }]));
  const compiled = compileRules({ file: loaded.file, destinations }, registry);
  return { version: loaded.version, plan: (event, mode) => planEvent(compiled, event, mode) };
}
