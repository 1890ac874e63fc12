import type { JobCounts } from '../store/delivery-queries.js';
import type { QueueDepth } from '../store/delivery-queries.js';
import { activityChart, ruleChart } from './activity-chart.js';
import type { DestinationActivity } from './destination-activity.js';
import { html, type SafeHtml } from './html.js';
import { layout } from './layout.js';
import type { RuleActivity } from './rule-activity.js';

/**
 * What the bridge tells the Rules page about itself (what `GET /status` answers; the shapes of
 * config's RulesStatus and dispatch's breaker states, which console/ may not import).
 */
export interface ConsoleStatus {
  readonly rules: {
    readonly version: string;
    readonly loadedAt: string;
    readonly lastReload: { readonly at: string; readonly ok: boolean; readonly errors?: readonly string[] } | null;
    readonly reloads: number;
    readonly failures: number;
  };
  readonly destinations: readonly { readonly name: string; readonly kind: string; readonly mode: 'live' | 'dry run' }[];
  readonly breakers: Readonly<Record<string, 'closed' | 'open' | 'half-open'>>;
  readonly queue: JobCounts;
}

/** Rules: the version in force, when it was loaded, the last reload's error; per rule its last 24 h; the destinations and the queue. */
export function rulesPage(opts: {
  readonly csrf?: string;
  readonly status: ConsoleStatus;
  readonly names: readonly string[];
  readonly activity: ReadonlyMap<string, RuleActivity>;
  readonly queues: Readonly<Record<string, QueueDepth>>;
  readonly destinationActivity: ReadonlyMap<string, DestinationActivity>;
}): SafeHtml {
  const { status } = opts;
  const last = status.rules.lastReload;
  return layout({
    title: 'Rules',
    page: 'rules',
    ...(opts.csrf !== undefined && { csrf: opts.csrf }),
    body: html`<h1>Rules</h1>
<dl class="facts">
  <dt>Version in force</dt><dd><code>${status.rules.version}</code></dd>
  <dt>Loaded at</dt><dd>${status.rules.loadedAt}</dd>
  <dt>Last reload</dt><dd>${last === null ? html`<span class="muted">none since start-up</span>` : last.ok ? html`${last.at}: ok` : html`${last.at}: <span class="job-error">refused, the rules above stay in force</span>`}</dd>
  <dt>Reloads</dt><dd>${status.rules.reloads} applied, ${status.rules.failures} refused</dd>
</dl>
${last !== null && !last.ok ? html`<pre class="error-box" role="alert">${(last.errors ?? []).join('\n')}</pre>` : ''}
<h2>Each rule, last 24 hours</h2>
<table class="cards" aria-label="Rules"><thead><tr><th scope="col">Rule</th><th scope="col">Matched, suppressed and sent per hour</th></tr></thead>
<tbody>${opts.names.map((n) => {
  const a = opts.activity.get(n);
  return html`<tr><td data-label="Rule"><a href="/console/events?${new URLSearchParams({ rule: n }).toString()}">${n}</a></td><td data-label="Last 24 h">${a === undefined ? '' : ruleChart(n, a)}</td></tr>`;
})}</tbody></table>
<h2>Destinations</h2>
<table class="cards" aria-label="Destinations"><thead><tr><th scope="col">Destination</th><th scope="col">Mode</th><th scope="col">Breaker</th><th scope="col">Queue</th><th scope="col">Sent and failed per hour</th></tr></thead>
<tbody>${status.destinations.map((d) => {
  const b = status.breakers[d.name] ?? 'closed';
  const q = opts.queues[d.name] ?? { pending: 0, running: 0 };
  const a = opts.destinationActivity.get(d.name);
  return html`<tr><td data-label="Destination">${d.name} <span class="muted">(${d.kind})</span></td><td data-label="Mode"><span class="badge ${d.mode === 'live' ? 'ok' : 'pending'}">${d.mode}</span></td><td data-label="Breaker"><span class="badge ${b === 'closed' ? 'ok' : 'error'}">${b}</span></td><td data-label="Queue"><span class="nowrap">${q.pending} waiting</span>, <span class="nowrap">${q.running} sending</span></td><td data-label="Last 24 h">${a === undefined ? '' : activityChart(d.name, [
    { key: 'sent', label: d.mode === 'live' ? 'sent' : 'sent (dry run)', color: '#116329', values: a.sent },
    { key: 'failed', label: 'failed', color: '#a40e26', values: a.failed, dashed: true },
  ])}</td></tr>`;
})}</tbody></table>
<p>Queue: ${status.queue.pending} pending, ${status.queue.running} running, ${status.queue.done} done, ${status.queue.dead} dead, ${status.queue.ambiguous} ambiguous.</p>`,
  });
}
