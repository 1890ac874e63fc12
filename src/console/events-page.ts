import { KNOWN_EVENT_TYPES, UNKNOWN_EVENT_TYPE } from '../events/event-types.js';
import { EVENT_OUTCOMES } from '../store/delivery-queries.js';
import type { EventList, EventListItem } from './console-data.js';
import { filterHref, type FilterQuery } from './event-filter.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';

const OUTCOME_LABELS: Readonly<Record<string, string>> = { matched: 'matched', suppressed: 'suppressed', no_match: 'no match', failed: 'failed delivery' };

function option(value: string, label: string, selected: string): SafeHtml {
  return html`<option value="${value}"${value === selected ? html` selected` : ''}>${label}</option>`;
}

/** The filter form: GET, so a filtered list is a link; every control labelled. */
export function filterForm(q: FilterQuery, ruleNames: readonly string[]): SafeHtml {
  return html`<form class="filters" method="get" action="/console/events" role="search" aria-label="Filter events">
  <label for="f-user">User email or id <input id="f-user" name="user" type="search" value="${q.user}" autocomplete="off"></label>
  <label for="f-type">Type <select id="f-type" name="type">${option('', 'any', q.type)}${[...KNOWN_EVENT_TYPES, UNKNOWN_EVENT_TYPE].map((t) => option(t, t, q.type))}</select></label>
  <label for="f-rule">Rule <select id="f-rule" name="rule">${option('', 'any', q.rule)}${ruleNames.map((r) => option(r, r, q.rule))}${q.rule !== '' && !ruleNames.includes(q.rule) ? option(q.rule, q.rule, q.rule) : ''}</select></label>
  <label for="f-outcome">Outcome <select id="f-outcome" name="outcome">${option('', 'any', q.outcome)}${EVENT_OUTCOMES.map((o) => option(o, OUTCOME_LABELS[o] ?? o, q.outcome))}</select></label>
  <label for="f-since">From (UTC) <input id="f-since" name="since" type="datetime-local" step="1" value="${q.since}"></label>
  <label for="f-until">Until (UTC) <input id="f-until" name="until" type="datetime-local" step="1" value="${q.until}"></label>
  <div class="actions"><button class="primary" type="submit">Filter</button><a href="/console/events">Clear</a></div>
</form>`;
}

function jobsCell(e: EventListItem): SafeHtml {
  if (e.jobs.length === 0) return html`<span class="muted">none</span>`;
  return html`${e.jobs.map((j) => html`<span class="badge ${j.status}" title="${j.id}">${j.destination}: ${j.status}</span> `)}`;
}

function userCell(e: EventListItem): SafeHtml {
  const who = e.user.name ?? e.user.email ?? e.user.id;
  if (who === undefined) return html`<span class="muted">—</span>`;
  return html`${who}${e.user.email !== undefined && e.user.email !== who ? html`<br><span class="muted">${e.user.email}</span>` : ''}`;
}

/** The table of events (also the live-update fragment). */
export function eventRows(events: readonly EventListItem[]): SafeHtml {
  return html`${events.map(
    (e) => html`<tr>
  <td class="nowrap" data-label="Received"><a href="/console/events/${encodeURIComponent(e.id)}">${e.receivedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</a></td>
  <td data-label="Type">${e.type}</td>
  <td data-label="User">${userCell(e)}</td>
  <td data-label="Decision">${e.summary ?? html`<span class="muted">not planned yet</span>`}</td>
  <td data-label="Jobs">${jobsCell(e)}</td>
</tr>`,
  )}`;
}

/** Events: newest first, filtered, paginated. */
export function eventsPage(opts: { readonly csrf?: string; readonly now: number; readonly query: FilterQuery; readonly ruleNames: readonly string[]; readonly list: EventList | undefined; readonly errors?: readonly string[] }): SafeHtml {
  const { query, list } = opts;
  // Page 1 is live: the script adds new matching events at the top (the table is there, hidden, when empty).
  const live = list !== undefined && list.page === 1;
  const after = list?.events[0] === undefined ? opts.now : Date.parse(list.events[0].receivedAt);
  const stream = `/console/events/stream?${new URLSearchParams([...new URLSearchParams(filterHref(query, 1).split('?')[1] ?? ''), ['after', String(after)]]).toString()}`;
  const table =
    list === undefined
      ? ''
      : html`${list.events.length === 0 ? html`<p class="muted" id="no-events">No events match.</p>` : ''}
${live ? html`<p class="muted live" id="live-status" role="status" aria-live="polite"></p>` : ''}
<table class="cards" aria-label="Events"${live ? html` data-stream="${stream}"` : ''}${list.events.length === 0 ? html` hidden` : ''}>
<thead><tr><th scope="col">Received (UTC)</th><th scope="col">Type</th><th scope="col">User</th><th scope="col">Decision</th><th scope="col">Jobs</th></tr></thead>
<tbody>${eventRows(list.events)}</tbody>
</table>
<nav class="pager" aria-label="Pages">
  ${list.page > 1 ? html`<a href="${filterHref(query, list.page - 1)}" rel="prev">← Newer</a>` : ''}
  <span class="muted">Page ${list.page}</span>
  ${list.more ? html`<a href="${filterHref(query, list.page + 1)}" rel="next">Older →</a>` : ''}
</nav>`;
  return layout({
    title: 'Events',
    page: 'events',
    ...(opts.csrf !== undefined && { csrf: opts.csrf }),
    ...(list?.page === 1 && { script: '/console/assets/live-events.js' }),
    body: html`<h1>Events</h1>
${filterForm(query, opts.ruleNames)}
${(opts.errors ?? []).map((e) => html`<p class="error-box" role="alert">${e}</p>`)}
${table}`,
  });
}
