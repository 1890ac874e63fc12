import { html, type SafeHtml } from './html.js';
import type { RuleActivity } from './rule-activity.js';

/** One line of a chart: its counts per hour (oldest first); `key` names its colour class (.legend.<key>, console-css.ts). */
export interface ChartSeries {
  readonly key: string;
  readonly label: string;
  readonly color: string;
  readonly values: readonly number[];
  /** Drawn dashed, so a line lying on another (both 0, or the same peak) still shows both colours. */
  readonly dashed?: boolean;
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/**
 * The last 24 h of something as a server-rendered SVG (no script, no inline style): one line per
 * series, an hour per step, scaled to the busiest hour; its text alternative gives the totals.
 */
export function activityChart(name: string, series: readonly ChartSeries[]): SafeHtml {
  const w = 240;
  const h = 48;
  const hours = Math.max(0, ...series.map((s) => s.values.length));
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const x = (i: number): string => ((i * w) / Math.max(1, hours - 1)).toFixed(1);
  const y = (v: number): string => (h - 2 - (v * (h - 4)) / max).toFixed(1);
  const totals = series.map((s) => `${sum(s.values)} ${s.label}`).join(', ');
  return html`<figure class="chart">
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${name}, last 24 hours: ${totals}">
<line x1="0" y1="${h - 1}" x2="${w}" y2="${h - 1}" stroke="#d0d7de" stroke-width="1"/>
${series.map((s) => html`<polyline fill="none" stroke="${s.color}" stroke-width="1.5"${s.dashed === true ? html` stroke-dasharray="4 3"` : ''} points="${s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ')}"/>`)}
</svg>
<figcaption>${series.map((s, i) => html`${i > 0 ? ' · ' : ''}<span class="legend ${s.key}">${sum(s.values)} ${s.label}</span>`)} <span class="muted">(24 h, peak ${max}/h)</span></figcaption>
</figure>`;
}

/** A rule's chart: matched, suppressed and sent per hour. */
export function ruleChart(rule: string, a: RuleActivity): SafeHtml {
  return activityChart(rule, [
    { key: 'matched', label: 'matched', color: '#0550ae', values: a.matched },
    { key: 'suppressed', label: 'suppressed', color: '#9a6700', values: a.suppressed, dashed: true },
    { key: 'sent', label: 'sent', color: '#116329', values: a.sent },
  ]);
}
