import type { PlannedJobRef } from '../store/history-reader.js';

/** One rule and destination: how many jobs each side planned, and a few events where they differ. */
export interface BacktestRow {
  readonly rule: string;
  readonly destination: string;
  readonly inForce: number;
  readonly candidate: number;
  /** Events the rules in force sent to this rule and destination but the candidate would not. */
  readonly onlyInForce: readonly string[];
  /** Events the candidate would send that the rules in force did not. */
  readonly onlyCandidate: readonly string[];
}

interface Side {
  count: number;
  events: Map<string, number>;
}

function tally(jobs: readonly PlannedJobRef[]): Map<string, Side> {
  const out = new Map<string, Side>();
  for (const j of jobs) {
    const key = JSON.stringify([j.rule, j.destination]);
    let side = out.get(key);
    if (side === undefined) out.set(key, (side = { count: 0, events: new Map() }));
    side.count += 1;
    side.events.set(j.eventId, (side.events.get(j.eventId) ?? 0) + 1);
  }
  return out;
}

function differing(a: Side | undefined, b: Side | undefined, examples: number): string[] {
  const out: string[] = [];
  for (const [id, n] of a?.events ?? []) {
    if (out.length >= examples) break;
    if ((b?.events.get(id) ?? 0) < n) out.push(id);
  }
  return out;
}

/**
 * Jobs per rule and destination, the rules in force (as recorded) against a candidate, with up to
 * `examples` event ids for each difference. Rows in order of first appearance, in-force first.
 */
export function compareBacktest(inForce: readonly PlannedJobRef[], candidate: readonly PlannedJobRef[], examples: number): BacktestRow[] {
  const a = tally(inForce);
  const b = tally(candidate);
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  return keys.map((key) => {
    const [rule, destination] = JSON.parse(key) as [string, string];
    return {
      rule,
      destination,
      inForce: a.get(key)?.count ?? 0,
      candidate: b.get(key)?.count ?? 0,
      onlyInForce: differing(a.get(key), b.get(key), examples),
      onlyCandidate: differing(b.get(key), a.get(key), examples),
    };
  });
}
