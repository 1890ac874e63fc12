import type { DeadLetter } from './console-data.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/** Who the event was about, linked to the event. */
function who(d: DeadLetter): SafeHtml {
  const name = d.user.name ?? d.user.email ?? d.user.id ?? 'unknown user';
  return html`<a href="/console/events/${encodeURIComponent(d.job.eventId)}">${name}</a>${d.user.email !== undefined && d.user.email !== name ? html`<br><span class="muted">${d.user.email}</span>` : ''}`;
}

function row(d: DeadLetter, i: number): SafeHtml {
  const j = d.job;
  return html`<tr>
  <td data-label="Select"><input type="checkbox" name="job" value="${j.id}" id="dead-${i}" aria-label="Select ${j.id}"></td>
  <td data-label="Job"><code>${j.id}</code></td>
  <td data-label="Event">${who(d)}</td>
  <td data-label="Destination">${j.destination} <span class="muted">(${j.kind})</span><br><span class="muted nowrap">rule ${j.rule}</span></td>
  <td data-label="Attempts">${j.attempts}</td>
  <td data-label="Died"><span class="nowrap">${iso(j.updatedAt)}</span></td>
  <td data-label="Last error"><span class="job-error">${j.lastError ?? ''}</span></td>
  <td><button type="submit" name="one" value="${j.id}" aria-label="Replay ${j.id}">Replay</button></td>
</tr>`;
}

/**
 * Dead letters with their last error; replay one (its row's button) or the selected ones, with
 * the request as it was planned or planned again with the rules in force now. One form, POST with
 * the session's CSRF token; no script.
 */
export function deadLettersPage(opts: { readonly csrf?: string; readonly dead: readonly DeadLetter[]; readonly limit: number; readonly errors?: readonly string[] }): SafeHtml {
  const { dead } = opts;
  const body =
    dead.length === 0
      ? html`<p class="muted">No dead letters: every action was delivered, is still being tried, or was replayed.</p>`
      : html`<form method="post" action="/console/dead/replay" class="replay">
<input type="hidden" name="_csrf" value="${opts.csrf ?? ''}">
<fieldset class="choices">
  <legend>Replay with</legend>
  <label class="choice" for="rules-as-was"><input type="radio" id="rules-as-was" name="rules" value="as_was" checked> the rules as they were (the request as planned)</label>
  <label class="choice" for="rules-now"><input type="radio" id="rules-now" name="rules" value="now"> the rules in force now (the event planned again)</label>
</fieldset>
<table class="cards" aria-label="Dead letters">
<thead><tr><th scope="col"><span class="visually-hidden">Select</span></th><th scope="col">Job</th><th scope="col">Event</th><th scope="col">Destination</th><th scope="col">Attempts</th><th scope="col">Died (UTC)</th><th scope="col">Last error</th><th scope="col"><span class="visually-hidden">Replay</span></th></tr></thead>
<tbody>${dead.map(row)}</tbody>
</table>
<div class="actions"><button class="primary" type="submit">Replay selected</button>${dead.length >= opts.limit ? html`<span class="muted">The newest ${opts.limit} are shown.</span>` : ''}</div>
</form>`;
  return layout({
    title: 'Dead letters',
    page: 'dead',
    ...(opts.csrf !== undefined && { csrf: opts.csrf }),
    body: html`<h1>Dead letters</h1>
<p class="muted">Actions that failed for good (a permanent error, or every retry spent). A replay sends again; the dead letter stays on record.</p>
${(opts.errors ?? []).map((e) => html`<p class="error-box" role="alert">${e}</p>`)}
${body}`,
  });
}
