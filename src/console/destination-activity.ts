import type { EventSummary } from '../store/delivery-queries.js';

/** One destination's jobs per hour, oldest hour first, by the time they finished. */
export interface DestinationActivity {
  /** Delivered (done). */
  readonly sent: number[];
  /** Failed for good (dead, or ambiguous: may or may not have arrived). */
  readonly failed: number[];
}

/**
 * Per destination, how many of its jobs were delivered and how many failed for good in each of
 * the `hours` hours up to `now`, from the events received in that span (as ruleActivity reads them).
 */
export function destinationActivity(events: readonly EventSummary[], names: readonly string[], now: number, hours = 24): Map<string, DestinationActivity> {
  const start = now - hours * 3_600_000;
  const out = new Map<string, DestinationActivity>();
  const of = (name: string): DestinationActivity => {
    let a = out.get(name);
    if (a === undefined) {
      a = { sent: new Array<number>(hours).fill(0), failed: new Array<number>(hours).fill(0) };
      out.set(name, a);
    }
    return a;
  };
  for (const n of names) of(n);
  for (const e of events) {
    for (const j of e.jobs) {
      const h = Math.floor((j.updatedAt - start) / 3_600_000);
      if (h < 0 || h >= hours) continue;
      const series = j.status === 'done' ? of(j.destination).sent : j.status === 'dead' || j.status === 'ambiguous' ? of(j.destination).failed : undefined;
      if (series !== undefined) series[h] = (series[h] ?? 0) + 1;
    }
  }
  return out;
}
