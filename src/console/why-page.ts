import type { Job } from '../store/job-queue.js';
import type { PersonEvent, RuleView } from './console-data.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';

const when = (iso: string): string => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

/** What became of a matched rule's jobs: delivered, still trying, or failed (with the error). */
function jobsOf(r: RuleView, jobs: readonly Job[]): SafeHtml {
  const mine = jobs.filter((j) => j.rule === r.rule);
  if (mine.length === 0) return html``;
  return html`${r.reason === undefined ? '' : html`<br>`}${mine.map((j, i) => html`${i > 0 ? html`<br>` : ''}<span class="badge ${j.status}">${j.destination}: ${j.status}</span>${j.lastError === null || j.status === 'done' ? '' : html` <span class="job-error">${j.lastError}</span>`}`)}`;
}

function ruleLine(r: RuleView, jobs: readonly Job[]): SafeHtml {
  const label = r.shadow === true ? 'shadow: would have sent' : r.outcome === 'error' ? 'planning failed' : r.outcome;
  const until = r.until === undefined ? '' : r.outcome === 'suppressed' ? html` until ${r.until}` : html`, due ${r.until}`;
  return html`<tr>
  <td data-label="Rule"><strong>${r.rule}</strong></td>
  <td data-label="Decision"><span class="badge ${r.outcome}">${label}</span></td>
  <td data-label="Why">${r.reason ?? ''}${until}${jobsOf(r, jobs)}</td>
</tr>`;
}

function eventBlock(e: PersonEvent, rule: string): SafeHtml {
  const considered = e.rules.filter((r) => r.outcome !== 'not_on_event' && (rule === '' || r.rule === rule));
  const notOn = e.rules.filter((r) => r.outcome === 'not_on_event' && (rule === '' || r.rule === rule));
  return html`<section class="person-event" aria-label="Event ${e.id}">
  <h2><a href="/console/events/${encodeURIComponent(e.id)}">${when(e.receivedAt)}</a> · ${e.type} <span class="muted">${e.name}</span></h2>
  ${considered.length === 0 ? html`<p class="muted">No rule${rule === '' ? '' : ` named ${rule}`} is on this event.</p>` : html`<table class="cards" aria-label="Rules for event ${e.id}"><thead><tr><th scope="col">Rule</th><th scope="col">Decision</th><th scope="col">Why</th></tr></thead>
  <tbody>${considered.map((r) => ruleLine(r, e.jobs))}</tbody></table>`}
  ${notOn.length === 0 ? '' : html`<p class="muted">Not on this event: ${notOn.map((r, i) => html`${i > 0 ? ', ' : ''}${r.rule} (${r.reason ?? ''})`)}</p>`}
</section>`;
}

/**
 * "Why didn't it fire?": every event of one person (by email, any case, or id), newest first, and
 * what each rule decided on each (the reason of a miss or suppression, and for a match what its
 * jobs came to), optionally narrowed to one rule.
 */
export function whyPage(opts: {
  readonly csrf?: string;
  readonly user: string;
  readonly rule: string;
  readonly ruleNames: readonly string[];
  readonly result?: { readonly events: readonly PersonEvent[]; readonly page: number; readonly more: boolean };
}): SafeHtml {
  const { user, rule, result } = opts;
  const href = (page: number): string => `/console/why?${new URLSearchParams({ user, ...(rule !== '' && { rule }), ...(page > 1 && { page: String(page) }) }).toString()}`;
  const person = result?.events[0]?.user;
  const who = person === undefined ? user : (person.name ?? person.email ?? user);
  const body =
    result === undefined
      ? html`<p class="muted">Give a user's email (any case) or id to see each of their events and what every rule decided.</p>`
      : result.events.length === 0
        ? html`<p class="muted">No stored event of "${user}" (events older than the retention are pruned).</p>`
        : html`<h2 class="visually-hidden">Events of ${who}</h2>
<p>${result.events.length}${result.more ? '+' : ''} event${result.events.length === 1 ? '' : 's'} of <strong>${who}</strong>${person?.email !== undefined && person.email !== who ? html` &lt;${person.email}&gt;` : ''}${person?.id === undefined ? '' : html` · id ${person.id}`}, newest first.</p>
${result.events.map((e) => eventBlock(e, rule))}
<nav class="pager" aria-label="Pages">
  ${result.page > 1 ? html`<a href="${href(result.page - 1)}" rel="prev">← Newer</a>` : ''}
  <span class="muted">Page ${result.page}</span>
  ${result.more ? html`<a href="${href(result.page + 1)}" rel="next">Older →</a>` : ''}
</nav>`;
  return layout({
    title: "Why didn't it fire?",
    page: 'why',
    ...(opts.csrf !== undefined && { csrf: opts.csrf }),
    body: html`<h1>Why didn't it fire?</h1>
<form class="filters" method="get" action="/console/why" role="search" aria-label="Find a person's events">
  <label for="w-user">User email or id <input id="w-user" name="user" type="search" value="${user}" autocomplete="off" required></label>
  <label for="w-rule">Rule <select id="w-rule" name="rule"><option value="">every rule</option>${opts.ruleNames.map((r) => html`<option value="${r}"${r === rule ? html` selected` : ''}>${r}</option>`)}</select></label>
  <div class="actions"><button class="primary" type="submit">Show</button></div>
</form>
${body}`,
  });
}
