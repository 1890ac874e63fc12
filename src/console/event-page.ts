import type { Job } from '../store/job-queue.js';
import type { EventDetail, RuleView } from './console-data.js';
import { explanationTree } from './explanation-tree.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';
import type { VendorLink } from './vendor-link.js';
import { REDACTED_HEADER } from '../receive/delivery-headers.js';

const iso = (ms: number): string => new Date(ms).toISOString();
const OUTCOME_TEXT: Readonly<Record<RuleView['outcome'], string>> = { matched: 'matched', suppressed: 'suppressed', missed: 'missed', error: 'planning failed', not_on_event: 'not on this event' };

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function ruleBlock(r: RuleView): SafeHtml {
  const label = r.shadow === true ? 'shadow: would have sent' : OUTCOME_TEXT[r.outcome];
  const untilText = r.until === undefined ? '' : r.outcome === 'suppressed' ? html` until ${r.until}` : html`, due ${r.until}`;
  return html`<section class="rule" aria-label="Rule ${r.rule}">
  <h3>${r.rule} <span class="badge ${r.outcome === 'not_on_event' ? 'missed' : r.outcome}">${label}</span>${r.recorded ? '' : html` <span class="muted">(explained from the stored event)</span>`}</h3>
  ${r.reason === undefined ? '' : html`<p class="reason">${r.reason}${untilText}</p>`}
  ${r.reason === undefined && untilText !== '' ? html`<p class="reason">${untilText}</p>` : ''}
  ${r.explanation === undefined ? '' : explanationTree(r.explanation)}
</section>`;
}

/** A job's vendor page: an outgoing link (no referrer, no opener), or why there is none. */
function linkOf(link: VendorLink | undefined): SafeHtml | undefined {
  if (link === undefined) return undefined;
  if ('url' in link) return html`<a class="vendor" href="${link.url}" target="_blank" rel="noopener noreferrer">${link.label} ↗</a>`;
  return html`<span class="muted">${link.label}: no link, ${link.missing}</span>`;
}

function jobRow(j: Job, receivedAt: number, link: VendorLink | undefined): SafeHtml {
  const finished = j.status === 'done' || j.status === 'dead' || j.status === 'ambiguous';
  return html`<tr>
  <td data-label="Job"><code>${j.id}</code>${j.replayOf === null ? '' : html`<br><span class="muted">replays ${j.replayOf}</span>`}</td>
  <td data-label="Destination">${j.destination} <span class="muted">(${j.kind})</span></td>
  <td data-label="Status"><span class="badge ${j.status}">${j.status}</span></td>
  <td data-label="Attempts">${j.attempts}</td>
  <td data-label="Timing"><span class="nowrap">queued ${iso(j.createdAt)}</span><br>${finished ? html`<span class="nowrap">finished ${iso(j.updatedAt)}</span> <span class="nowrap">(${seconds(j.updatedAt - receivedAt)} after receipt)</span>` : html`<span class="nowrap">due ${iso(j.nextAt)}</span>`}</td>
  <td data-label="Result">${[j.lastError === null ? undefined : html`<span class="job-error">${j.lastError}</span>`, j.ref === null ? undefined : html`vendor ref <code>${j.ref}</code>`, linkOf(link)].filter((x) => x !== undefined).map((x, i) => html`${i > 0 ? html`<br>` : ''}${x}`)}</td>
</tr>
<tr><td colspan="6"><details><summary>Request sent to ${j.destination}</summary><pre>${JSON.stringify(j.request, null, 2)}</pre></details></td></tr>`;
}

/** One event: payload, each rule's decision with its explanation tree, and its jobs. */
export function eventPage(opts: { readonly csrf?: string; readonly detail: EventDetail }): SafeHtml {
  const d = opts.detail;
  const receivedAt = Date.parse(d.event.receivedAt);
  const considered = d.rules.filter((r) => r.outcome !== 'not_on_event');
  const notOn = d.rules.filter((r) => r.outcome === 'not_on_event');
  const who = d.user.name ?? d.user.email ?? d.user.id ?? 'unknown user';
  return layout({
    title: `Event ${d.event.id}`,
    page: 'events',
    ...(opts.csrf !== undefined && { csrf: opts.csrf }),
    body: html`<p><a href="/console/events">← Events</a></p>
<h1>${d.event.type} · ${who}</h1>
<dl class="facts">
  <dt>Event id</dt><dd><code>${d.event.id}</code></dd>
  <dt>Name</dt><dd>${d.event.name}</dd>
  <dt>User</dt><dd>${d.user.name ?? '—'}${d.user.email === undefined ? '' : html` &lt;${d.user.email}&gt;`}${d.user.id === undefined ? '' : html` · id ${d.user.id}`}</dd>
  <dt>Received</dt><dd>${d.event.receivedAt}</dd>
  <dt>Decision</dt><dd>${d.decision === null ? html`<span class="muted">not planned yet</span>` : html`${d.decision.summary} <span class="muted">(rules ${d.decision.rulesVersion}, planned ${d.decision.plannedAt})</span>`}</dd>
</dl>
<h2 id="rules">Rules</h2>
${d.explainedWith.matchesPlanned ? '' : html`<p class="error-box">The rules changed since this event was planned: misses not recorded by the planner are explained with the rules in force now (version ${d.explainedWith.version}).</p>`}
<p class="muted">Memory conditions of misses explained from the stored event see it as the first event ever; the planner's recorded decisions have what memory said.</p>
${considered.length === 0 ? html`<p class="muted">No rule is on this event.</p>` : considered.map(ruleBlock)}
${notOn.length === 0 ? '' : html`<details><summary>${notOn.length} rule${notOn.length === 1 ? '' : 's'} not on this event</summary><ul>${notOn.map((r) => html`<li>${r.rule}: ${r.reason ?? ''}</li>`)}</ul></details>`}
<h2 id="jobs">Jobs</h2>
${d.jobs.length === 0
  ? html`<p class="muted">No jobs.</p>`
  : html`<table class="cards" aria-label="Jobs"><thead><tr><th scope="col">Job</th><th scope="col">Destination</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Timing</th><th scope="col">Result</th></tr></thead>
<tbody>${d.jobs.map((j) => jobRow(j, receivedAt, d.links[j.id]))}</tbody></table>`}
<h2 id="payload">Payload</h2>
<pre>${JSON.stringify(d.event.payload, null, 2)}</pre>
<h2 id="headers">Delivery headers</h2>
${d.event.headers === null
  ? html`<p class="muted">Not recorded (an event stored before the bridge kept headers, or not received over HTTP).</p>`
  : html`<p class="muted">As the bridge received them; signatures, authorization, cookies and any value holding a configured secret were redacted before they were stored.</p>
<table class="headers" aria-label="Delivery headers"><tbody>${Object.entries(d.event.headers).map(([name, value]) => html`<tr><th scope="row"><code>${name}</code></th><td>${value === REDACTED_HEADER ? html`<span class="muted">${value}</span>` : html`<code>${value}</code>`}</td></tr>`)}</tbody></table>`}`,
  });
}
