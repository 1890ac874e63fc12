import { EVENT_OUTCOMES, type EventFilter, type EventOutcome } from '../store/delivery-queries.js';

/** Events per page of the list. */
export const PAGE_SIZE = 50;

/** The filter as the form and the API spell it (all strings, empty = not given). */
export interface FilterQuery {
  readonly type: string;
  readonly user: string;
  readonly rule: string;
  readonly outcome: string;
  /** ISO-8601, or a `datetime-local` value (read as UTC). */
  readonly since: string;
  readonly until: string;
  readonly page: number;
}

export type ParsedFilter = { readonly ok: true; readonly query: FilterQuery; readonly filter: EventFilter } | { readonly ok: false; readonly query: FilterQuery; readonly errors: readonly string[] };

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** A time as typed: full ISO-8601, or `2026-12-02T10:00` from a datetime-local input, read as UTC. */
function timeOf(v: string): number {
  return Date.parse(/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?$/.test(v) ? `${v}Z` : v);
}

/** Reads the event list's query string (`?type=&user=&rule=&outcome=&since=&until=&page=`) into a store filter. */
export function parseFilter(q: Readonly<Record<string, unknown>>): ParsedFilter {
  const pageText = text(q.page);
  const page = pageText === '' ? 1 : Number(pageText);
  const query: FilterQuery = { type: text(q.type), user: text(q.user), rule: text(q.rule), outcome: text(q.outcome), since: text(q.since), until: text(q.until), page: Number.isInteger(page) && page >= 1 ? page : 1 };
  const errors: string[] = [];
  if (query.outcome !== '' && !(EVENT_OUTCOMES as readonly string[]).includes(query.outcome)) errors.push(`outcome must be one of ${EVENT_OUTCOMES.join(', ')}`);
  if (pageText !== '' && query.page !== page) errors.push('page must be a whole number from 1');
  const since = query.since === '' ? undefined : timeOf(query.since);
  const until = query.until === '' ? undefined : timeOf(query.until);
  if (since !== undefined && Number.isNaN(since)) errors.push(`since must be a time (ISO-8601), got "${query.since}"`);
  if (until !== undefined && Number.isNaN(until)) errors.push(`until must be a time (ISO-8601), got "${query.until}"`);
  if (errors.length > 0) return { ok: false, query, errors };
  const filter: EventFilter = {
    ...(query.type !== '' && { type: query.type }),
    ...(query.user !== '' && { user: query.user }),
    ...(query.rule !== '' && { rule: query.rule }),
    ...(query.outcome !== '' && { outcome: query.outcome as EventOutcome }),
    ...(since !== undefined && { since }),
    ...(until !== undefined && { until }),
    limit: PAGE_SIZE + 1,
    offset: (query.page - 1) * PAGE_SIZE,
  };
  return { ok: true, query, filter };
}

/** The query string of a filter, for links (pager, "Why didn't it fire?"); empty fields left out. */
export function filterHref(query: FilterQuery, page: number): string {
  const params = new URLSearchParams();
  for (const k of ['type', 'user', 'rule', 'outcome', 'since', 'until'] as const) if (query[k] !== '') params.set(k, query[k]);
  if (page > 1) params.set('page', String(page));
  const s = params.toString();
  return `/console/events${s === '' ? '' : `?${s}`}`;
}
