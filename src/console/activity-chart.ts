import { html, type SafeHtml } from './html.js';
import type { RuleActivity } from './rule-activity.js';

const SERIES = [
  { key: 'matched', label: 'matched', color: '#0550ae' },
  { key: 'suppressed', label: 'suppressed', color: '#9a6700' },
  { key: 'sent', label: 'sent', color: '#116329' },
] as const;

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/**
 * A rule's last 24 h as a server-rendered SVG (no script, no inline style): one line per series,
 * an hour per step, scaled to the busiest hour; its text alternative gives the totals.
 */
export function activityChart(rule: string, a: RuleActivity): SafeHtml {
  const w = 240;
  const h = 48;
  const hours = a.matched.length;
  const max = Math.max(1, ...a.matched, ...a.suppressed, ...a.sent);
  const x = (i: number): string => ((i * w) / Math.max(1, hours - 1)).toFixed(1);
  const y = (v: number): string => (h - 2 - (v * (h - 4)) / max).toFixed(1);
  const totals = SERIES.map((s) => `${sum(a[s.key])} ${s.label}`).join(', ');
  return html`<figure class="chart">
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${rule}, last 24 hours: ${totals}">
<line x1="0" y1="${h - 1}" x2="${w}" y2="${h - 1}" stroke="#d0d7de" stroke-width="1"/>
${SERIES.map((s) => html`<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${a[s.key].map((v, i) => `${x(i)},${y(v)}`).join(' ')}"/>`)}
</svg>
<figcaption>${SERIES.map((s, i) => html`${i > 0 ? ' · ' : ''}<span class="legend ${s.key}">${sum(a[s.key])} ${s.label}</span>`)} <span class="muted">(24 h, peak ${max}/h)</span></figcaption>
</figure>`;
}
