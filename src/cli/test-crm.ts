import type { BridgeEvent } from '../events/event.js';
import { crmStateKeys, gatherCrmAnswers } from '../planner/crm-answers.js';
import type { CrmReader } from '../planner/crm-reader.js';
import type { PlanningRules } from '../planner/planning-rules.js';
import type { CrmAnswer } from '../rules/crm-fields.js';
import { stateId, type RuleState } from '../rules/state-types.js';
import type { PlannerStore } from '../store/planner-store.js';

/** What `bridge test` looked up for one HubSpot destination, as printed and in `--json`. */
export interface TestCrmLookup {
  readonly destination: string;
  readonly email: string | null;
  /** `live`: read from HubSpot now; `cached`: the bridge's cache (`--offline`); `none`: the event has no email. */
  readonly source: 'live' | 'cached' | 'none';
  /** The properties read (null: no value); null: no such contact. Absent when unknown. */
  readonly contact?: Readonly<Record<string, string | null>> | null;
  /** Why the values are unknown (the lookup failed, or nothing was cached). */
  readonly unknown?: string;
}

export interface TestCrm {
  /** For `rules.plan`: each destination's answer. */
  readonly answers: ReadonlyMap<string, CrmAnswer>;
  readonly lookups: readonly TestCrmLookup[];
}

export interface TestCrmOptions {
  /** Live: reads HubSpot (nothing is written to any cache). */
  readonly reader?: CrmReader;
  /** Offline: the bridge's store, whose cached answers are the only ones used. */
  readonly store?: PlannerStore;
  readonly now: number;
}

/**
 * The CRM values `bridge test --event` plans with: the same lookups the planner would make
 * (only rules whose cheaper conditions pass), answered live, or with `--offline` from the bridge's
 * cache only, through the planner's own gathering, so a test sees what the server would.
 */
export async function testCrm(rules: PlanningRules, event: BridgeEvent, opts: TestCrmOptions): Promise<TestCrm> {
  const lookups = rules.crmLookups?.(event, opts.now) ?? [];
  if (lookups.length === 0) return { answers: new Map(), lookups: [] };
  const state = new Map<string, RuleState>();
  if (opts.store !== undefined) for (const r of await opts.store.readState(crmStateKeys(lookups))) state.set(stateId(r.scope, r.key), r);
  const gathered = await gatherCrmAnswers({
    lookups: [lookups],
    state,
    reader: opts.reader,
    now: opts.now,
    uncached: 'not in the bridge’s cache (--offline reads only the cache)',
  });
  const answers = gathered.answers[0] ?? new Map<string, CrmAnswer>();
  return {
    answers,
    lookups: lookups.map((l): TestCrmLookup => {
      const answer = answers.get(l.destination);
      const base = { destination: l.destination, email: l.email ?? null };
      if (l.email === undefined) return { ...base, source: 'none', contact: null };
      if (answer === undefined || answer.status === 'unknown') return { ...base, source: opts.reader === undefined ? 'cached' : 'live', unknown: answer?.reason ?? 'not looked up' };
      return { ...base, source: opts.reader === undefined ? 'cached' : 'live', contact: answer.contact };
    }),
  };
}

/** `crm <destination> <email>: lifecyclestage="customer" hs_lead_status=null (live)`, one line per lookup. */
export function formatTestCrm(lookups: readonly TestCrmLookup[]): string {
  if (lookups.length === 0) return '';
  const lines = lookups.map((l) => {
    const who = `crm ${l.destination} ${l.email ?? '(the event has no email)'}`;
    if (l.unknown !== undefined) return `${who}: unknown: ${l.unknown}`;
    if (l.contact === null || l.contact === undefined) return `${who}: no such contact${l.source === 'none' ? '' : ` (${l.source})`}`;
    const values = Object.entries(l.contact).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    return `${who}: ${values.join(' ')} (${l.source})`;
  });
  return `${lines.join('\n')}\n\n`;
}
