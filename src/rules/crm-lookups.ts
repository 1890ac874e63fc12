import type { BridgeEvent } from '../events/event.js';
import { canMatch } from './can-match.js';
import type { CompiledRule, CompiledRules } from './compile-rules.js';
import { isSubscribed } from './compile-on.js';
import { eventView } from './event-view.js';
import { getPath } from './get-path.js';

/** One contact an event's rules need from one HubSpot destination. */
export interface CrmLookup {
  readonly destination: string;
  /** The event user's email, trimmed and lower-cased; undefined when it has none (no contact to find). */
  readonly email: string | undefined;
  /** Every property the candidate rules of that destination read. */
  readonly properties: readonly string[];
  /** How long the destination's answers are reused. */
  readonly ttlMs: number;
}

/** Whether any rule reads `crm.contact.*`, per compiled rules file. */
const withCrm = new WeakMap<CompiledRules, boolean>();

/**
 * The CRM lookups planning `event` (received at `now`) needs: one per HubSpot destination named by
 * a rule that is on the event and can still match it with its CRM values unknown (its field, time
 * and index tests pass: can-match.ts), with the properties those rules read. A rule whose cheaper
 * conditions already fail costs no lookup. Pure: the planner does the reading.
 */
export function crmLookupsOf(compiled: CompiledRules, event: BridgeEvent, now: number): CrmLookup[] {
  let any = withCrm.get(compiled);
  if (any === undefined) withCrm.set(compiled, (any = compiled.rules.some((r) => r.crm !== undefined)));
  if (!any) return [];
  const view = eventView(event);
  const rules = compiled.index === undefined ? compiled.rules : compiled.index.candidates(event, view).map((i) => compiled.rules[i] as CompiledRule);
  const byDestination = new Map<string, { properties: Set<string>; ttlMs: number }>();
  for (const rule of rules) {
    const crm = rule.crm;
    if (crm === undefined || !rule.enabled || !isSubscribed(rule.on, event) || canMatch(rule.when, view, now) === 'no') continue;
    const entry = byDestination.get(crm.destination) ?? { properties: new Set<string>(), ttlMs: crm.ttlMs };
    for (const property of crm.properties) entry.properties.add(property);
    byDestination.set(crm.destination, entry);
  }
  if (byDestination.size === 0) return [];
  const raw = getPath(view, ['user', 'email']);
  const email = typeof raw === 'string' && raw.trim() !== '' ? raw.trim().toLowerCase() : undefined;
  return [...byDestination].map(([destination, e]) => ({ destination, email, properties: [...e.properties], ttlMs: e.ttlMs }));
}
