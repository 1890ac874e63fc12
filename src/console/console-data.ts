import type { Json } from '../events/event.js';
import { explainStoredEvent } from '../planner/explain-stored-event.js';
import type { EventFilter } from '../store/delivery-queries.js';
import type { Job } from '../store/job-queue.js';
import type { EventDecision, RuleDecision } from '../store/planner-store.js';
import type { ConsoleRules, ConsoleStore } from './console-deps.js';
import { PAGE_SIZE } from './event-filter.js';
import { vendorLink, type VendorLink } from './vendor-link.js';

/** Who an event is about, from its payload (`user.id`, `user.email`, `user.name`). */
export interface EventUser {
  readonly id?: string;
  readonly email?: string;
  readonly name?: string;
}

/** One row of the event list (the console's `GET /console/api/events`). */
export interface EventListItem {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly receivedAt: string;
  readonly rulesVersion: string;
  readonly user: EventUser;
  /** The decision's one line; null while the event waits for the planner. */
  readonly summary: string | null;
  readonly jobs: readonly { readonly id: string; readonly rule: string; readonly destination: string; readonly status: string; readonly attempts: number }[];
}

export interface EventList {
  readonly events: readonly EventListItem[];
  readonly page: number;
  /** Whether a next page exists. */
  readonly more: boolean;
}

/** One rule's decision as the event page shows it. */
export interface RuleView {
  readonly rule: string;
  /** `not_on_event`: the rule is not subscribed to the event's type, or is disabled. */
  readonly outcome: RuleDecision['outcome'] | 'not_on_event';
  /** True when the planner recorded it; false when explained now from the stored event. */
  readonly recorded: boolean;
  readonly shadow?: true;
  readonly reason?: string;
  readonly until?: string;
  readonly explanation?: Json;
}

/** One event with everything the console knows about it (`GET /console/api/events/:id`). */
export interface EventDetail {
  readonly event: {
    readonly id: string;
    readonly type: string;
    readonly name: string;
    readonly receivedAt: string;
    readonly payload: Json;
    /** The delivery's request headers as stored (secrets already redacted at intake); null when none were recorded. */
    readonly headers: Readonly<Record<string, string>> | null;
  };
  readonly user: EventUser;
  readonly decision: { readonly rulesVersion: string; readonly plannedAt: string; readonly summary: string } | null;
  /** Misses explained now were explained with this rules version; `matchesPlanned` is false when it is not the planner's. */
  readonly explainedWith: { readonly version: string; readonly matchesPlanned: boolean };
  readonly rules: readonly RuleView[];
  readonly jobs: readonly Job[];
  /** By job id: each delivered job's page at the vendor, or why none can be made. */
  readonly links: Readonly<Record<string, VendorLink>>;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const NOT_ON_EVENT = /^(?:not subscribed to |disabled$)/;

/** The user fields of a payload, as strings (ids may be numbers). */
export function userOf(payload: Json): EventUser {
  const user = payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? payload.user : undefined;
  if (user === null || typeof user !== 'object' || Array.isArray(user) || user === undefined) return {};
  const str = (v: Json | undefined): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
  const id = str(user.id);
  const email = str(user.email);
  const name = str(user.name) ?? str(user.displayname);
  return { ...(id !== undefined && { id }), ...(email !== undefined && { email }), ...(name !== undefined && { name }) };
}

/** A page of events, newest first (the filter asks for one more than a page, to know whether there is a next). */
export async function listEvents(store: ConsoleStore, filter: EventFilter, page: number): Promise<EventList> {
  const rows = await store.deliveries.listEvents(filter);
  const events: EventListItem[] = [];
  for (const e of rows.slice(0, PAGE_SIZE)) {
    const stored = await store.deliveries.getEvent(e.id);
    events.push({
      id: e.id,
      type: e.type,
      name: e.name,
      receivedAt: iso(e.receivedAt),
      rulesVersion: e.rulesVersion,
      user: stored === undefined ? {} : userOf(JSON.parse(stored.payload) as Json),
      summary: e.decision?.summary ?? null,
      jobs: e.jobs.map((j) => ({ id: j.id, rule: j.rule, destination: j.destination, status: j.status, attempts: j.attempts })),
    });
  }
  return { events, page, more: rows.length > PAGE_SIZE };
}

function recordedView(r: RuleDecision): RuleView {
  return {
    rule: r.rule,
    outcome: r.outcome,
    recorded: true,
    ...(r.shadow && { shadow: true as const }),
    ...(r.reason !== undefined && { reason: r.reason }),
    ...(r.until !== undefined && { until: iso(r.until) }),
    ...(r.explanation !== undefined && { explanation: r.explanation }),
  };
}

/**
 * Everything about one event: its payload, every rule's decision (what the planner recorded, and
 * the misses it only counted explained again from the stored event at its receive time, as
 * `bridge test --event-id` does), and its jobs with attempts, errors and refs.
 */
export async function eventDetail(store: ConsoleStore, rules: ConsoleRules, id: string): Promise<EventDetail | undefined> {
  const stored = await store.deliveries.getEvent(id);
  if (stored === undefined) return undefined;
  const payload = JSON.parse(stored.payload) as Json;
  const decision: EventDecision | undefined = await store.planner.decisionOf(id);
  const plan = explainStoredEvent(stored, rules.rules);
  const views: RuleView[] = (decision?.rules ?? []).map(recordedView);
  const seen = new Set(views.map((v) => v.rule));
  const explained: RuleView[] = [];
  if (decision === undefined) {
    for (const m of plan.matches) explained.push({ rule: m.rule, outcome: 'matched', recorded: false, ...(m.shadow && { shadow: true as const }), ...(m.explanation && { explanation: m.explanation as unknown as Json }) });
  }
  for (const m of plan.misses) {
    if (seen.has(m.rule)) continue;
    const notOn = NOT_ON_EVENT.test(m.reason);
    explained.push({ rule: m.rule, outcome: notOn ? 'not_on_event' : 'missed', recorded: false, reason: m.reason, ...(m.explanation && { explanation: m.explanation as unknown as Json }) });
  }
  // In rules-file order where the rules still exist.
  const order = new Map(rules.names.map((n, i) => [n, i]));
  const jobs = await store.deliveries.jobsForEvent(id);
  const all = [...views, ...explained].sort((a, b) => (order.get(a.rule) ?? -1) - (order.get(b.rule) ?? -1));
  return {
    event: { id: stored.id, type: stored.type, name: stored.name, receivedAt: iso(stored.receivedAt), payload, headers: stored.headers === undefined ? null : (JSON.parse(stored.headers) as Record<string, string>) },
    user: userOf(payload),
    decision: decision === undefined ? null : { rulesVersion: decision.rulesVersion, plannedAt: iso(decision.plannedAt), summary: decision.summary },
    explainedWith: { version: rules.rules.version, matchesPlanned: (decision?.rulesVersion ?? stored.rulesVersion) === rules.rules.version },
    rules: all,
    jobs,
    links: Object.fromEntries(jobs.flatMap((j) => {
      const link = vendorLink(j, rules.links?.get(j.destination));
      return link === undefined ? [] : [[j.id, link]];
    })),
  };
}

/** One dead letter as the dead-letters page lists it: the job and who its event was about. */
export interface DeadLetter {
  readonly job: Job;
  readonly user: EventUser;
}

/** Dead letters not yet replayed, newest first, with their event's user. */
export async function deadLetters(store: ConsoleStore, limit: number): Promise<DeadLetter[]> {
  const users = new Map<string, EventUser>();
  const out: DeadLetter[] = [];
  for (const job of await store.deliveries.listDead({ limit })) {
    let user = users.get(job.eventId);
    if (user === undefined) {
      const stored = await store.deliveries.getEvent(job.eventId);
      user = stored === undefined ? {} : userOf(JSON.parse(stored.payload) as Json);
      users.set(job.eventId, user);
    }
    out.push({ job, user });
  }
  return out;
}

/** One event of a person as "Why didn't it fire?" shows it: every rule's decision and the event's jobs. */
export interface PersonEvent {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly receivedAt: string;
  readonly user: EventUser;
  readonly summary: string | null;
  readonly rules: readonly RuleView[];
  readonly jobs: readonly Job[];
}

/** Every event of one person (`user.email` in any case, or `user.id`), newest first, a page at a time, each with what every rule decided. */
export async function personEvents(store: ConsoleStore, rules: ConsoleRules, user: string, page: number): Promise<{ readonly events: readonly PersonEvent[]; readonly page: number; readonly more: boolean }> {
  const list = await listEvents(store, { user, limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE }, page);
  const events: PersonEvent[] = [];
  for (const e of list.events) {
    const d = await eventDetail(store, rules, e.id);
    if (d === undefined) continue;
    events.push({ id: e.id, type: e.type, name: e.name, receivedAt: e.receivedAt, user: d.user, summary: e.summary, rules: d.rules, jobs: d.jobs });
  }
  return { events, page, more: list.more };
}
