import type { Json } from '../events/event.js';
import type { Plan } from '../rules/plan-types.js';
import type { RuleState } from '../rules/state-types.js';
import type { EventDecision, StateRecord } from '../store/planner-store.js';

/**
 * Rules with `on_lookup_error: retry` whose CRM lookup failed wait in the state table (scope
 * `crm_retry`, key the event's seq): the event is planned (its other rules are not held up, and the
 * planner's cursor moves on), and the waiting rules are planned again once due, with backoff.
 */
export const RETRY_SCOPE = 'crm_retry';
/** Attempts in all (the first planning counts one); then the rule stays a miss. */
export const MAX_LOOKUP_ATTEMPTS = 10;
const FIRST_DELAY_MS = 5_000;
const MAX_DELAY_MS = 3_600_000;
/** A retry is given up once its event is this old. */
export const MAX_RETRY_AGE_MS = 86_400_000;

export interface RetryRecord {
  readonly seq: number;
  readonly eventId: string;
  readonly rules: readonly string[];
  /** Lookups tried so far. */
  readonly attempts: number;
  readonly dueAt: number;
}

export function isRetryRecord(v: Json | undefined): v is Json & RetryRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof v['seq'] === 'number' && typeof v['dueAt'] === 'number' && Array.isArray(v['rules']);
}

/** 5 s after the first failure, doubling, at most an hour; never sooner than a Retry-After. */
export function retryDelay(attempts: number, retryAfterMs = 0): number {
  return Math.max(retryAfterMs, Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, attempts - 1)));
}

export const retryKey = (seq: number): string => String(seq);

/** The due retries among the records of the scope, oldest event first, at most `limit`. */
export function dueRetries(records: readonly StateRecord[], now: number, limit: number): RetryRecord[] {
  return records
    .map((r) => r.value)
    .filter(isRetryRecord)
    .filter((r) => r.dueAt <= now)
    .sort((a, b) => a.seq - b.seq)
    .slice(0, limit);
}

/**
 * What to store for a plan's waiting rules after attempt number `attempts`: the next retry, or
 * nothing (given up: too many attempts, or the event too old). The decision's entries for them say which.
 */
export function nextRetry(
  seq: number,
  eventId: string,
  plan: Plan,
  attempts: number,
  receivedAt: number,
  now: number,
  retryAfterMs: number | undefined,
): { record: RuleState | undefined; note: (rule: string) => string } {
  const rules = [...new Set((plan.crmRetries ?? []).map((r) => r.rule))];
  const dueAt = now + retryDelay(attempts, retryAfterMs);
  if (rules.length === 0) return { record: undefined, note: () => '' };
  if (attempts >= MAX_LOOKUP_ATTEMPTS || dueAt - receivedAt > MAX_RETRY_AGE_MS) {
    return { record: undefined, note: () => `; gave up after ${attempts} attempts` };
  }
  const value: RetryRecord = { seq, eventId, rules, attempts, dueAt };
  return { record: { scope: RETRY_SCOPE, key: retryKey(seq), value: value as unknown as Json, expiresAt: null }, note: () => `; planning it again at ${new Date(dueAt).toISOString()}` };
}

/** Adds the retry's note to the decision entries of the rules that wait. */
export function noteRetries(decision: EventDecision, plan: Plan, note: (rule: string) => string): EventDecision {
  const waiting = new Set((plan.crmRetries ?? []).map((r) => r.rule));
  if (waiting.size === 0) return decision;
  return { ...decision, rules: decision.rules.map((r) => (waiting.has(r.rule) && r.outcome === 'missed' ? { ...r, reason: `${r.reason ?? ''}${note(r.rule)}` } : r)) };
}
