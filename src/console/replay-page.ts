import type { Job } from '../store/job-queue.js';
import type { ReplayOutcome } from './console-replay.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';

/** Whether a job may still change on its own (the outcome page reloads itself while one does). */
export const isLive = (j: Job): boolean => j.status === 'pending' || j.status === 'running';

function jobRow(j: Job): SafeHtml {
  return html`<tr>
  <td data-label="Job"><code>${j.id}</code>${j.replayOf === null ? '' : html`<br><span class="muted">replays ${j.replayOf}</span>`}</td>
  <td data-label="Event"><a href="/console/events/${encodeURIComponent(j.eventId)}">${j.eventId}</a></td>
  <td data-label="Destination">${j.destination} <span class="muted">(${j.kind})</span></td>
  <td data-label="Status"><span class="badge ${j.status}">${j.status}</span></td>
  <td data-label="Attempts">${j.attempts}</td>
  <td data-label="Result">${j.lastError === null ? '' : html`<span class="job-error">${j.lastError}</span>`}${j.ref === null ? '' : html`${j.lastError === null ? '' : html`<br>`}vendor ref <code>${j.ref}</code>`}</td>
</tr>`;
}

/**
 * What a replay did: the jobs it queued, as they are now (the page reloads itself every 2 s while
 * one is pending or running, with a meta refresh: no script), and what it skipped and why.
 */
export function replayPage(opts: { readonly csrf?: string; readonly outcome: ReplayOutcome; readonly jobs: readonly Job[] }): SafeHtml {
  const { outcome, jobs } = opts;
  const live = jobs.some(isLive);
  const done = jobs.filter((j) => j.status === 'done').length;
  const summary = `${outcome.requeued.length} queued, ${outcome.skipped.length + outcome.unknown.length + outcome.unplannable.length} skipped`;
  return layout({
    title: 'Replay',
    page: 'dead',
    ...(live && { refreshSeconds: 2 }),
    ...(opts.csrf !== undefined && { csrf: opts.csrf }),
    body: html`<p><a href="/console/dead">← Dead letters</a></p>
<h1>Replay</h1>
<p>${summary} <span class="muted">(with the ${outcome.rulesNow ? 'rules in force now' : 'rules as they were'})</span>${jobs.length === 0 ? '' : html` · <span role="status">${live ? `${done} of ${jobs.length} delivered so far; this page updates itself` : `${done} of ${jobs.length} delivered`}</span>`}</p>
${outcome.requeued.length === 0 && outcome.skipped.length === 0 && outcome.unknown.length === 0 && outcome.unplannable.length === 0 ? html`<p class="muted">Nothing to replay: the rules in force now plan no such action.</p>` : ''}
${jobs.length === 0 ? '' : html`<table class="cards" aria-label="Replayed jobs"><thead><tr><th scope="col">Job</th><th scope="col">Event</th><th scope="col">Destination</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Result</th></tr></thead>
<tbody>${jobs.map(jobRow)}</tbody></table>`}
${outcome.skipped.length + outcome.unknown.length + outcome.unplannable.length === 0 ? '' : html`<h2>Skipped</h2><ul>
${outcome.skipped.map((s) => html`<li><code>${s.id}</code>: ${s.reason}</li>`)}
${outcome.unknown.map((id) => html`<li><code>${id}</code>: no job or event with this id</li>`)}
${outcome.unplannable.map((id) => html`<li>event <code>${id}</code>: cannot be planned again (missing or no longer valid)</li>`)}
</ul>`}`,
  });
}
