import type { Json } from '../events/event.js';
import type { Plan } from '../rules/plan-types.js';
import { bufferedLine } from '../rules/buffered-line.js';
import type { EventDecision, RuleDecision } from '../store/planner-store.js';

/** Misses not worth a row per event: rules that never looked at it. */
const NOT_EVALUATED = /^(?:not subscribed to |disabled$)/;

const tree = (e: unknown): Json => e as Json;

/**
 * The decision the planner records for a plan: each listed rule's outcome (matches, suppressions
 * and misses with their explanation), and a one-line summary whose miss count includes the misses
 * the plan only counted (decided on the event's own fields: `bridge test --event-id` on the stored
 * event explains them, as they read no memory).
 */
export function decisionOf(plan: Plan, rulesVersion: string, plannedAt: number): EventDecision {
  const rules: RuleDecision[] = [];
  for (const m of plan.matches) {
    rules.push({
      rule: m.rule, outcome: 'matched', ...(m.shadow && { shadow: true as const }), ...(m.until !== undefined && { until: m.until }),
      ...(m.digest && { reason: bufferedLine(m.digest, m.shadow === true) }), ...(m.explanation && { explanation: tree(m.explanation) }),
    });
  }
  for (const s of plan.suppressed) {
    rules.push({ rule: s.rule, outcome: 'suppressed', reason: s.reason, until: s.until, ...(s.explanation && { explanation: tree(s.explanation) }) });
  }
  for (const m of plan.misses) {
    if (NOT_EVALUATED.test(m.reason)) continue;
    rules.push({ rule: m.rule, outcome: 'missed', reason: m.reason, ...(m.explanation && { explanation: tree(m.explanation) }) });
  }
  return { rulesVersion, plannedAt, summary: summaryOf(rules, plan.unlistedMisses ?? 0), rules };
}

/** A planning error (a bug) is the event's decision; it never blocks the events after it. */
export function failedDecision(message: string, rulesVersion: string, plannedAt: number): EventDecision {
  return { rulesVersion, plannedAt, summary: `planning failed: ${message}`, rules: [{ rule: '*', outcome: 'error', reason: message }] };
}

/** `unlisted`: rules that missed on the event's own fields, counted but not recorded one by one (see Plan). */
function summaryOf(rules: readonly RuleDecision[], unlisted: number): string {
  const of = (o: RuleDecision['outcome']) => rules.filter((r) => r.outcome === o);
  // A matched rule has a reason only when it was buffered into a digest.
  const matched = of('matched').filter((r) => r.shadow !== true).map((r) => (r.until !== undefined ? `${r.rule} (deferred)` : r.reason !== undefined ? `${r.rule} (digest)` : r.rule));
  const shadow = of('matched').filter((r) => r.shadow === true).map((r) => r.rule);
  const suppressed = of('suppressed').map((r) => `${r.rule} (${r.reason})`);
  const missed = new Set(of('missed').map((r) => r.rule)).size + unlisted;
  const parts = [matched.length > 0 ? `matched ${matched.join(', ')}` : 'no match'];
  if (shadow.length > 0) parts.push(`shadow would have sent ${shadow.join(', ')}`);
  if (suppressed.length > 0) parts.push(`suppressed ${suppressed.join(', ')}`);
  if (missed > 0) parts.push(`${missed} missed`);
  return parts.join('; ');
}

/**
 * An event's decision after some of its rules were planned again (a CRM retry): their entries are
 * replaced by what `plan` made of them, the others stay, and the summary is recounted (the misses
 * the first planning only counted, in its summary, stay counted).
 */
export function mergeDecision(old: EventDecision, plan: Plan, replanned: ReadonlySet<string>, plannedAt: number): EventDecision {
  const fresh = decisionOf(plan, old.rulesVersion, plannedAt).rules;
  const answered = new Set(fresh.map((r) => r.rule));
  const kept = old.rules.filter((r) => !(replanned.has(r.rule) && answered.has(r.rule)));
  const listedMisses = new Set(old.rules.filter((r) => r.outcome === 'missed').map((r) => r.rule)).size;
  const unlisted = Math.max(0, Number(/(\d+) missed/.exec(old.summary)?.[1] ?? 0) - listedMisses);
  const rules = [...kept, ...fresh];
  return { rulesVersion: old.rulesVersion, plannedAt: old.plannedAt, summary: summaryOf(rules, unlisted), rules };
}
