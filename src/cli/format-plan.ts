import type { Explanation, Plan, QuietHoursCheck } from '../rules/plan-types.js';
import { bufferedLine } from '../rules/buffered-line.js';

const quietLine = (q: QuietHoursCheck): string => `    quiet hours ${q.window}: ${q.inside ? 'inside' : 'outside'} at ${q.local}`;

function explanationLines(e: Explanation, depth: number): string[] {
  const pad = '    '.repeat(depth);
  const actual = e.actual === undefined ? '' : `  (actual: ${JSON.stringify(e.actual)})`;
  const head = `${pad}${e.passed ? '✓' : '✗'} ${e.test}${actual}`;
  return [head, ...(e.children ?? []).flatMap((c) => explanationLines(c, depth + 1))];
}

/** Human-readable dry run: which rules match, why each condition passed or failed, the exact requests. */
export function formatPlan(plan: Plan): string {
  const out = [`event ${plan.event.type} ${plan.event.id} (${JSON.stringify(plan.event.name)})`, ''];
  for (const m of plan.matches) {
    const head = m.shadow === true ? `SHADOW ${m.rule}: would have sent (mode: shadow; nothing is delivered)` : `MATCH ${m.rule}`;
    if (m.digest !== undefined) out.push(`${head.replace(/: would have sent .*$/, '')}: ${bufferedLine(m.digest, m.shadow === true)}${m.shadow === true ? ' (mode: shadow; nothing is buffered)' : ''}`);
    else out.push(m.until === undefined ? head : `${head}: deferred by quiet hours until ${new Date(m.until).toISOString()}`);
    if (m.explanation) out.push(...explanationLines(m.explanation, 1));
    if (m.quietHours) out.push(quietLine(m.quietHours));
    for (const a of m.actions) {
      out.push(`    → ${a.kind} ${a.destination} would send:`);
      out.push(...JSON.stringify(a.request, null, 2).split('\n').map((l) => `        ${l}`));
    }
    out.push('');
  }
  for (const x of plan.suppressed) {
    out.push(`SUPPRESSED ${x.rule}: ${x.reason} until ${new Date(x.until).toISOString()}`);
    if (x.quietHours) out.push(quietLine(x.quietHours));
    out.push('');
  }
  for (const m of plan.misses) {
    out.push(`miss  ${m.rule}: ${m.reason}`);
    if (m.explanation) out.push(...explanationLines(m.explanation, 1));
  }
  if (plan.matches.length === 0) out.push('', 'no rule matches: nothing would be sent');
  return `${out.join('\n')}\n`;
}

/** The `--json` contract (README "bridge test --json"). */
export function planJson(plan: Plan): unknown {
  return {
    event: plan.event,
    matches: plan.matches.map((m) => ({
      rule: m.rule,
      ...(m.shadow === true && { shadow: true }),
      actions: m.actions.map((a) => ({ destination: a.destination, kind: a.kind, key: a.key, request: a.request })),
      explanation: m.explanation,
      ...(m.until !== undefined && { deferred_until: new Date(m.until).toISOString() }),
      ...(m.digest && { digest: { key: m.digest.key, window_start: new Date(m.digest.windowStart).toISOString(), window_end: new Date(m.digest.windowEnd).toISOString() } }),
      ...(m.quietHours && { quiet_hours: m.quietHours }),
    })),
    suppressed: plan.suppressed.map((x) => ({ rule: x.rule, reason: x.reason, until: new Date(x.until).toISOString(), ...(x.quietHours && { quiet_hours: x.quietHours }) })),
    misses: plan.misses.map((m) => ({ rule: m.rule, reason: m.reason, explanation: m.explanation })),
  };
}
