import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { ActiveRules } from '../bridge/active-rules.js';
import { parseEvent } from '../events/parse-event.js';

/**
 * A rule test users keep beside their rules: an event and what should happen to it.
 *   event: { ...a Returning.AI payload... }
 *   expect:
 *     matches: [vip-visit-slack]            # exactly these rules match (order-insensitive)
 *     actions:                               # optional: these requests are planned
 *       - { rule: vip-visit-slack, destination: vip-alerts, request: { channel: "#vip-visits" } }
 * `request` is a partial match: every key given must equal the planned request's.
 */
const CaseSchema = z
  .object({
    description: z.string().optional(),
    event: z.record(z.string(), z.unknown()),
    expect: z
      .object({
        matches: z.array(z.string()).optional(),
        actions: z
          .array(z.object({ rule: z.string(), destination: z.string().optional(), request: z.unknown().optional() }).strict())
          .optional(),
      })
      .strict(),
  })
  .strict();

export interface CaseResult {
  readonly name: string;
  readonly failures: readonly string[];
}

/** True when every key of `expected` is in `actual` with an equal value (recursively). */
function partialMatch(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object' || Array.isArray(expected)) return isDeepStrictEqual(actual, expected);
  if (actual === null || typeof actual !== 'object') return false;
  return Object.entries(expected).every(([k, v]) => Object.hasOwn(actual, k) && partialMatch((actual as Record<string, unknown>)[k], v));
}

export function checkExpectations(data: unknown, rules: ActiveRules): string[] {
  const c = CaseSchema.safeParse(data);
  if (!c.success) return c.error.issues.map((i) => `invalid test case: ${i.path.join('.') || '(root)'}: ${i.message}`);
  const parsed = parseEvent(c.data.event);
  if (!parsed.ok) return parsed.issues.map((i) => `invalid event: ${i.path || '(root)'}: ${i.message}`);
  const { plan } = rules.plan(parsed.event);
  const failures: string[] = [];
  const { matches, actions } = c.data.expect;
  if (matches) {
    const got = plan.matches.map((m) => m.rule).sort();
    const want = [...matches].sort();
    if (!isDeepStrictEqual(got, want)) failures.push(`expected matches [${want.join(', ')}], got [${got.join(', ')}]`);
  }
  for (const a of actions ?? []) {
    const planned = plan.matches.filter((m) => m.rule === a.rule).flatMap((m) => m.actions);
    const hit = planned.some((p) => (a.destination === undefined || p.destination === a.destination) && (a.request === undefined || partialMatch(p.request, a.request)));
    if (!hit) failures.push(`expected rule ${a.rule} to send ${a.destination ?? 'an action'}${a.request === undefined ? '' : ` with ${JSON.stringify(a.request)}`}; planned: ${JSON.stringify(planned.map((p) => ({ destination: p.destination, request: p.request })))}`);
  }
  return failures;
}
