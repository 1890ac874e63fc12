import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { LineCounter, parseDocument } from 'yaml';
import * as z from 'zod';
import type { ConfigIssue, PathSegment } from '../config/config-error.js';
import { formatIssues } from '../config/format-issues.js';
import { yamlIssues } from '../config/yaml-issues.js';
import { createYamlLocator } from '../config/yaml-locator.js';
import { errorMessage } from '../error-message.js';
import type { BridgeEvent } from '../events/event.js';
import { parseEvent } from '../events/parse-event.js';
import { parseDuration } from '../rules/duration.js';
import type { RuleDecision } from '../store/planner-store.js';
import type { PlanStep, StepOutcome } from './plan-steps.js';

/**
 * A rule test users keep beside their rules: one event, or a timed sequence of them, and what
 * should happen to each (README "Rule tests").
 *
 *   steps:
 *     - at: "2026-01-05T10:00:00Z"              # the receive time; later steps may say "+3h"
 *       event: ../events/visit.json              # a file (relative to this one) or an inline payload
 *       expect:
 *         matches: [vip-visit-slack]             # exactly these rules match (any order)
 *         suppressed: { other-rule: cooldown }   # exactly these rules are suppressed, with the reason
 *         actions:                               # these requests are planned (`request`: a partial match)
 *           - { rule: vip-visit-slack, destination: vip-alerts, request: { channel: "#vip-visits" } }
 *
 * The single form is one step: `event`, `expect` and an optional `at` (default: now).
 */
const ActionExpectSchema = z
  .object({ rule: z.string().min(1), destination: z.string().min(1).optional(), request: z.unknown().optional() })
  .strict();

const ExpectSchema = z
  .object({
    matches: z.array(z.string().min(1)).optional().describe('exactly these rules match (any order)'),
    suppressed: z.record(z.string().min(1), z.enum(['cooldown', 'quiet_hours'])).optional().describe('exactly these rules are suppressed, each with its reason'),
    actions: z.array(ActionExpectSchema).optional().describe('requests that must be planned; `request` is a partial match'),
  })
  .strict();
type Expect = z.infer<typeof ExpectSchema>;

const EventRefSchema = z.unknown().superRefine((v, ctx) => {
  const ok = (typeof v === 'string' && v !== '') || (typeof v === 'object' && v !== null && !Array.isArray(v));
  if (!ok) ctx.addIssue({ code: 'custom', message: 'an event is a file path (relative to this test) or an inline Returning.AI payload' });
});

const StepSchema = z.object({ at: z.string(), event: EventRefSchema, expect: ExpectSchema }).strict();

const CaseSchema = z
  .object({
    description: z.string().optional(),
    at: z.string().optional(),
    event: EventRefSchema.optional(),
    expect: ExpectSchema.optional(),
    steps: z.array(StepSchema).min(1).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.steps !== undefined) {
      for (const k of ['at', 'event', 'expect'] as const) {
        if (c[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: `a test with steps gives each step its own ${k}` });
      }
    } else {
      if (c.event === undefined) ctx.addIssue({ code: 'custom', path: ['event'], message: 'a test has `event` and `expect`, or `steps`' });
      if (c.expect === undefined) ctx.addIssue({ code: 'custom', path: ['expect'], message: 'a test has `event` and `expect`, or `steps`' });
    }
  });

/** One step as it will run: the event, its receive time, what to expect, and where it is written. */
export interface RuleTestStep extends PlanStep {
  readonly expect: Expect;
  /** `step 2 at 2026-01-05T13:00:00.000Z (file:14:5)`, or '' for a single-event test. */
  readonly label: string;
}

export type LoadedRuleTest = { ok: true; steps: readonly RuleTestStep[] } | { ok: false; errors: readonly string[] };

export interface RuleTestContext {
  /** The rules' names, in file order: expectations naming another rule are errors. */
  readonly ruleNames: readonly string[];
  /** The receive time of a single-event test without `at`. */
  readonly now: number;
}

/** An absolute time must carry its zone, so a test means the same on every machine. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const AT_HELP = 'an ISO-8601 time with its zone (2026-01-05T10:00:00Z), or +<duration> after the previous step (+3h, +7d)';

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Reads one rule test: its YAML or JSON, the event files it names, and every step's time. Every
 * problem is reported at once as `file:line:col path: message`, like `bridge check`.
 */
export async function loadRuleTest(file: string, text: string, ctx: RuleTestContext): Promise<LoadedRuleTest> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const locator = createYamlLocator(doc, lineCounter);
  const fail = (issues: readonly ConfigIssue[]): LoadedRuleTest => ({ ok: false, errors: formatIssues(issues, file, locator) });
  const syntax = yamlIssues(doc, locator);
  if (syntax.length > 0) return fail(syntax);
  const parsed = CaseSchema.safeParse(doc.toJS());
  if (!parsed.success) return fail(parsed.error.issues.flatMap(zodIssue));
  const c = parsed.data;
  const raw = c.steps ?? [{ at: c.at, event: c.event, expect: c.expect as Expect }];
  const issues: ConfigIssue[] = [];
  const steps: RuleTestStep[] = [];
  let previous: number | undefined;
  for (const [i, s] of raw.entries()) {
    const path: PathSegment[] = c.steps === undefined ? [] : ['steps', i];
    const at = timeOf(s.at, previous, ctx.now, [...path, 'at'], issues);
    if (at !== undefined) previous = at;
    checkRuleNames(s.expect, [...path, 'expect'], ctx.ruleNames, issues);
    const event = await eventOf(s.event, file, c.steps === undefined ? undefined : `step-${i + 1}`, [...path, 'event'], issues);
    if (at === undefined || event === undefined) continue;
    const pos = locator.position(path);
    const label = c.steps === undefined ? '' : `step ${i + 1} at ${iso(at)} (${file}:${pos.line}:${pos.col})`;
    steps.push({ at, event, expect: s.expect, label });
  }
  return issues.length > 0 ? fail(issues) : { ok: true, steps };
}

/** A zod issue as located config issues: an unknown key is reported at the key, by name. */
function zodIssue(i: z.core.$ZodIssue): ConfigIssue[] {
  const path = i.path as PathSegment[];
  if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ path: [...path, k], at: 'key' as const, message: `unknown key "${k}"` }));
  return [{ path, message: i.message.replace(/^Invalid input: /, '') }];
}

function timeOf(at: string | undefined, previous: number | undefined, now: number, path: PathSegment[], issues: ConfigIssue[]): number | undefined {
  if (at === undefined) return now;
  let t: number | undefined;
  if (at.startsWith('+')) {
    const ms = parseDuration(at.slice(1));
    if (ms === undefined) {
      issues.push({ path, message: `"${at}" is not a time: use ${AT_HELP}` });
      return undefined;
    }
    if (previous === undefined) {
      issues.push({ path, message: `"${at}" follows no step: the first step needs an ISO-8601 time with its zone (2026-01-05T10:00:00Z)` });
      return undefined;
    }
    t = previous + ms;
  } else {
    t = ISO_TIME.test(at) ? Date.parse(at) : Number.NaN;
    if (Number.isNaN(t)) {
      issues.push({ path, message: `"${at}" is not a time: use ${AT_HELP}` });
      return undefined;
    }
  }
  if (previous !== undefined && t < previous) {
    issues.push({ path, message: `${iso(t)} is before the previous step (${iso(previous)}): steps run in time order` });
    return undefined;
  }
  return t;
}

function checkRuleNames(expect: Expect, path: PathSegment[], names: readonly string[], issues: ConfigIssue[]): void {
  const known = new Set(names);
  const unknown = (rule: string) => `unknown rule "${rule}" (the rules are ${names.join(', ') || 'none'})`;
  for (const [j, rule] of (expect.matches ?? []).entries()) if (!known.has(rule)) issues.push({ path: [...path, 'matches', j], message: unknown(rule) });
  for (const rule of Object.keys(expect.suppressed ?? {})) {
    if (!known.has(rule)) issues.push({ path: [...path, 'suppressed', rule], at: 'key', message: unknown(rule) });
    else if (expect.matches?.includes(rule)) issues.push({ path: [...path, 'suppressed', rule], at: 'key', message: `rule "${rule}" cannot both match and be suppressed` });
  }
  for (const [j, a] of (expect.actions ?? []).entries()) if (!known.has(a.rule)) issues.push({ path: [...path, 'actions', j, 'rule'], message: unknown(a.rule) });
}

async function eventOf(ref: unknown, file: string, id: string | undefined, path: PathSegment[], issues: ConfigIssue[]): Promise<BridgeEvent | undefined> {
  let body = ref;
  let inline = true;
  if (typeof ref === 'string') {
    inline = false;
    const target = resolve(dirname(file), ref);
    try {
      const text = await readFile(target, 'utf8');
      body = target.endsWith('.json') ? JSON.parse(text) : parseDocument(text).toJS();
    } catch (err) {
      issues.push({ path, message: `cannot read event file ${ref}: ${errorMessage(err)}` });
      return undefined;
    }
  }
  const parsed = parseEvent(body, id);
  if (parsed.ok) return parsed.event;
  for (const i of parsed.issues) {
    // Inline, the field itself is located; in a file, the reference to it.
    const at = inline && i.path !== '' ? [...path, ...i.path.split('.')] : path;
    issues.push({ path: at, message: inline ? `invalid event: ${i.message}` : `invalid event in ${ref as string}: ${i.path || '(root)'}: ${i.message}` });
  }
  return undefined;
}

/** True when every key of `expected` is in `actual` with an equal value (recursively). */
function partialMatch(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object' || Array.isArray(expected)) return isDeepStrictEqual(actual, expected);
  if (actual === null || typeof actual !== 'object') return false;
  return Object.entries(expected).every(([k, v]) => Object.hasOwn(actual, k) && partialMatch((actual as Record<string, unknown>)[k], v));
}

function describeOutcome(d: RuleDecision | undefined): string {
  if (d === undefined) return 'no match (not evaluated: not subscribed to this event, or disabled)';
  if (d.outcome === 'matched') return 'matched';
  if (d.outcome === 'suppressed') return `suppressed (${d.reason ?? '?'}${d.until === undefined ? '' : ` until ${iso(d.until)}`})`;
  return `no match (${d.reason ?? d.outcome})`;
}

/**
 * What went other than expected in one step, one line per rule (`vip: expected suppressed
 * (cooldown), got matched`) and per action not planned; empty when the step passed.
 */
export function checkStep(step: RuleTestStep, outcome: StepOutcome): string[] {
  const { matches, suppressed, actions } = step.expect;
  const byRule = new Map<string, RuleDecision>();
  for (const r of outcome.decision.rules) if (!byRule.has(r.rule) || r.outcome !== 'missed') byRule.set(r.rule, r);
  const failures: string[] = [];
  const named = [...(matches ?? []), ...Object.keys(suppressed ?? {})];
  const extra = outcome.decision.rules.filter((r) => r.outcome === 'matched' || r.outcome === 'suppressed').map((r) => r.rule);
  for (const rule of new Set([...named, ...extra])) {
    const got = byRule.get(rule);
    const reason = suppressed?.[rule];
    let want: string | undefined;
    if (matches?.includes(rule)) want = got?.outcome === 'matched' ? undefined : 'matched';
    else if (reason !== undefined) want = got?.outcome === 'suppressed' && got.reason === reason ? undefined : `suppressed (${reason})`;
    else if (matches !== undefined && got?.outcome === 'matched') want = 'no match';
    else if (suppressed !== undefined && got?.outcome === 'suppressed') want = 'not suppressed';
    if (want !== undefined) failures.push(`${rule}: expected ${want}, got ${describeOutcome(got)}`);
  }
  if (outcome.decision.rules.some((r) => r.outcome === 'error')) failures.push(`planning failed: ${outcome.decision.summary}`);
  for (const a of actions ?? []) {
    const planned = outcome.jobs.filter((j) => j.rule === a.rule);
    const hit = planned.some((p) => (a.destination === undefined || p.destination === a.destination) && (a.request === undefined || partialMatch(p.request, a.request)));
    if (!hit) failures.push(`expected rule ${a.rule} to send ${a.destination ?? 'an action'}${a.request === undefined ? '' : ` with ${JSON.stringify(a.request)}`}; planned: ${JSON.stringify(planned.map((p) => ({ destination: p.destination, request: p.request })))}`);
  }
  return step.label === '' ? failures : failures.map((f) => `${step.label}: ${f}`);
}
