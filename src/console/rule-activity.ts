import type { EventSummary } from '../store/delivery-queries.js';

/** One rule's counts per hour, oldest hour first. */
export interface RuleActivity {
  readonly matched: number[];
  readonly suppressed: number[];
  /** Jobs of the rule delivered (done) in that hour. */
  readonly sent: number[];
}

/**
 * Per rule, how many events it matched and suppressed (by receive time) and how many of its jobs
 * were delivered (by finish time) in each of the `hours` hours up to `now`, from the events
 * received in that span (the console reads them with listEvents).
 */
export function ruleActivity(events: readonly EventSummary[], names: readonly string[], now: number, hours = 24): Map<string, RuleActivity> {
  const start = now - hours * 3_600_000;
  const out = new Map<string, RuleActivity>();
  const of = (rule: string): RuleActivity => {
    let a = out.get(rule);
    if (a === undefined) {
      a = { matched: new Array<number>(hours).fill(0), suppressed: new Array<number>(hours).fill(0), sent: new Array<number>(hours).fill(0) };
      out.set(rule, a);
    }
    return a;
  };
  const hour = (ms: number): number => Math.floor((ms - start) / 3_600_000);
  for (const n of names) of(n);
  for (const e of events) {
    const h = hour(e.receivedAt);
    for (const r of e.decision?.rules ?? []) {
      if (h < 0 || h >= hours) continue;
      if (r.outcome === 'matched' && r.shadow !== true) of(r.rule).matched[h] = (of(r.rule).matched[h] ?? 0) + 1;
      if (r.outcome === 'suppressed') of(r.rule).suppressed[h] = (of(r.rule).suppressed[h] ?? 0) + 1;
    }
    for (const j of e.jobs) {
      const jh = hour(j.updatedAt);
      if (j.status === 'done' && jh >= 0 && jh < hours) of(j.rule).sent[jh] = (of(j.rule).sent[jh] ?? 0) + 1;
    }
  }
  return out;
}
