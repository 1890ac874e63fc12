import type { BridgeEvent, Json, JsonObject } from '../events/event.js';
import type { CompiledAction, CompiledRule, CompiledRules } from './compile-rules.js';
import { isSubscribed } from './compile-on.js';
import { decideCondition, evaluateCondition, failureSummary } from './evaluate-condition.js';
import { eventView } from './event-view.js';
import type { Explanation, Plan, PlanMatch, PlanMiss, PlannedAction } from './plan-types.js';
import { renderTemplate } from './render-template.js';
import { errorMessage } from '../error-message.js';
import { NO_STATE, stateId, type PlanContext, type PlanResult, type RuleState } from './state-types.js';
import { activityKey, memoryOf, renderKey, stateFieldsOf, type MemoryView } from './memory.js';
import type { PlanSuppressed, QuietHoursCheck } from './plan-types.js';
import { canMatch } from './can-match.js';
import type { CompiledCondition } from './compile-condition.js';
import type { CompiledCrm } from './compile-rules.js';
import type { CrmAnswer } from './crm-fields.js';
import { digestWindow } from './digest-window.js';
import { withDigest } from './digest-view.js';

export type Built = { ok: true; action: PlannedAction } | { ok: false; miss: PlanMiss };

/**
 * Builds one action's request. A kind that refuses the rendered values (say, a HubSpot property
 * over its limit) must not stop the event's other actions or the intake, so its error becomes a
 * miss of this rule, reported beside the rule's actions that did build.
 */
export function buildAction(eventId: string, rule: CompiledRule, action: CompiledAction, view: JsonObject): Built {
  const { impl, index, kind, destination } = action;
  const render = (template: string): string => renderTemplate(template, view, impl.escape);
  try {
    const request = impl.buildRequest(action.destinationConfig, action.params, render) as Json;
    return { ok: true, action: { destination, kind, index, key: `${eventId}:${rule.name}:${index}`, request } };
  } catch (err) {
    const message = errorMessage(err);
    return { ok: false, miss: { rule: rule.name, reason: `action ${index} (${kind} to ${destination}) not built: ${message}` } };
  }
}

/** One event's planning in progress: what every rule reads, and where its outcome goes. */
interface Planning {
  readonly event: BridgeEvent;
  readonly view: JsonObject;
  readonly memory: MemoryView;
  readonly ctx: PlanContext;
  readonly explain: boolean;
  readonly matches: PlanMatch[];
  readonly suppressed: PlanSuppressed[];
  readonly misses: PlanMiss[];
  readonly updates: RuleState[];
  readonly crmRetries: { rule: string; destination: string; reason: string }[];
}

/** What one rule came to: listed in the plan (and whether it stops the rules after it), or a miss the plan only counts. */
type RuleOutcome = 'listed' | 'stops' | 'unlisted';

/**
 * What the rules make of one event: rules in file order, every matching rule fires, and a
 * matching rule with `stop: true` ends evaluation (later rules are misses `stopped by rule "x"`).
 * Pure: the receive time and the state snapshot come in `ctx`, the state updates go out as data.
 * A matching rule is then checked against its cooldown (cooling: suppressed) and its quiet hours
 * (inside: dropped as suppressed, or deferred: a match whose actions are due when they end).
 *
 * `explain` mode (`bridge test`) lists every rule, and explains every condition with every branch
 * of an all/any. `decide` mode (the planner, the default) only decides each condition and explains
 * what the decision records: matches, suppressions, and misses that read memory (which cannot be
 * read again later). A rule that is disabled or not on the event is not listed; one whose condition
 * failed on the event's own fields and receive time is counted in `unlistedMisses`, as `bridge test
 * --event-id` explains it exactly from the stored event at its receive time.
 */
export function planEvent(compiled: CompiledRules, event: BridgeEvent, ctx: PlanContext = { now: 0, state: NO_STATE }): PlanResult {
  const view = eventView(event);
  const updates: RuleState[] = [];
  const memory = memoryOf(compiled.tracking, event.type, view, ctx, updates);
  // Derived like event.type: a payload field named `state` cannot spoof the memory.
  if (compiled.stateTemplates) (view as Record<string, Json>)['state'] = stateFieldsOf(memory);
  const p: Planning = { event, view, memory, ctx, explain: ctx.mode === 'explain', matches: [], suppressed: [], misses: [], updates, crmRetries: [] };
  let stoppedBy: string | undefined;
  let unlisted = 0;
  const planOne = (rule: CompiledRule): void => {
    if (stoppedBy !== undefined) p.misses.push({ rule: rule.name, reason: `stopped by rule "${stoppedBy}"` });
    else {
      const outcome = planRule(p, rule);
      if (outcome === 'unlisted') unlisted += 1;
      else if (outcome === 'stops') stoppedBy = rule.name;
    }
  };
  if (ctx.only !== undefined) {
    // A CRM retry: only the rules whose planning waited for the lookup.
    for (const rule of compiled.rules) if (ctx.only.has(rule.name) && rule.enabled && isSubscribed(rule.on, event)) planOne(rule);
  } else if (p.explain) {
    for (const rule of compiled.rules) {
      if (stoppedBy === undefined && !rule.enabled) p.misses.push({ rule: rule.name, reason: 'disabled' });
      else if (stoppedBy === undefined && !isSubscribed(rule.on, event)) p.misses.push({ rule: rule.name, reason: `not subscribed to ${event.type}` });
      else planOne(rule);
    }
  } else if (compiled.index === undefined) {
    for (const rule of compiled.rules) if (rule.enabled && isSubscribed(rule.on, event)) planOne(rule);
  } else {
    // Only the rules the event hits a key of, in file order; the others miss on its own fields.
    let planned = 0;
    for (const position of compiled.index.candidates(event, view)) {
      const rule = compiled.rules[position] as CompiledRule;
      if (!isSubscribed(rule.on, event)) continue;
      planned += 1;
      planOne(rule);
    }
    unlisted += compiled.index.subscribed(event) - planned;
  }
  const plan: Plan = {
    event: { type: event.type, id: event.id, name: event.name }, matches: p.matches, suppressed: p.suppressed, misses: p.misses,
    ...(unlisted > 0 && { unlistedMisses: unlisted }), ...(p.crmRetries.length > 0 && { crmRetries: p.crmRetries }),
  };
  return { plan, updates };
}

/** Where the values of `crm.contact.*` come from while one rule is planned (deleted: unknown). */
function crmAnswerFor(p: Planning, rule: CompiledRule): CrmAnswer | undefined {
  const view = p.view as Record<string, Json>;
  if (rule.crm === undefined) {
    if (view['crm'] !== undefined) delete view['crm'];
    return undefined;
  }
  const answer = p.ctx.crm?.get(rule.crm.destination) ?? NOT_LOOKED_UP;
  if (answer.status === 'unknown') delete view['crm'];
  else view['crm'] = answer.contact === null ? { contact: {}, no_contact: true } : { contact: { ...answer.contact } };
  return answer;
}

/** Whether the event's own fields and receive time fail `when`, whatever memory and the CRM say. */
function ownFieldsFail(when: CompiledCondition, view: JsonObject, now: number): boolean {
  const v = view as Record<string, Json>;
  const crm = v['crm'];
  if (crm === undefined) return canMatch(when, view, now) === 'no';
  delete v['crm'];
  const fails = canMatch(when, view, now) === 'no';
  v['crm'] = crm;
  return fails;
}

const NOT_LOOKED_UP: CrmAnswer = { status: 'unknown', reason: 'CRM value not looked up' };

/**
 * A rule whose CRM values are unknown and could decide it (its other conditions hold, or only
 * memory and the CRM can tell): `bridge test` says it is undecided; the planner applies the rule's
 * `on_lookup_error`: skip (a miss), match (as if the CRM tests held), or retry (a miss now, planned
 * again later). 'decided' when the CRM values cannot change the outcome.
 */
function undecided(p: Planning, rule: CompiledRule, crm: CompiledCrm, reason: string): 'decided' | 'match' | 'listed' {
  if (rule.when === undefined || canMatch(rule.when, p.view, p.ctx.now, p.memory) !== 'maybe') return 'decided';
  if (!p.explain && crm.onError === 'match') return 'match';
  const explanation = evaluateCondition(rule.when, p.view, p.explain ? 'explain' : 'decide', p.memory);
  if (p.explain) {
    p.misses.push({ rule: rule.name, reason: `undecided: ${reason}`, explanation });
    return 'listed';
  }
  if (crm.onError === 'retry') p.crmRetries.push({ rule: rule.name, destination: crm.destination, reason });
  p.misses.push({ rule: rule.name, reason: `CRM lookup failed (on_lookup_error: ${crm.onError}): ${reason}`, explanation });
  return 'listed';
}

/** Plans one enabled rule that is on the event. */
function planRule(p: Planning, rule: CompiledRule): RuleOutcome {
  const { event, view, memory, ctx } = p;
  let explanation: Explanation | undefined;
  const crm = crmAnswerFor(p, rule);
  const crmUndecided = rule.crm !== undefined && crm?.status === 'unknown' ? undecided(p, rule, rule.crm, crm.reason) : 'decided';
  if (crmUndecided === 'listed') return 'listed';
  if (crmUndecided === 'match') {
    // on_lookup_error: match: the rule goes on as if its CRM tests held (the explanation says unknown).
    explanation = evaluateCondition(rule.when as CompiledCondition, view, 'decide', memory);
  } else if (rule.when !== undefined) {
    if (p.explain) {
      explanation = evaluateCondition(rule.when, view, 'explain', memory);
    } else if (!decideCondition(rule.when, view, memory)) {
      // Decided by the event's own fields and receive time: the stored event explains it again exactly.
      // A CRM value is not in the stored event either: a miss it may have decided is recorded.
      if ((!rule.readsMemory && rule.crm === undefined) || ownFieldsFail(rule.when, view, ctx.now)) return 'unlisted';
      explanation = evaluateCondition(rule.when, view, 'decide', memory);
    } else {
      explanation = evaluateCondition(rule.when, view, 'decide', memory);
    }
    if (!explanation.passed) {
      p.misses.push({ rule: rule.name, reason: `condition failed: ${failureSummary(explanation)}`, explanation });
      return 'listed';
    }
  }
  // The CRM values are the planner's: templates do not read them.
  if (rule.crm !== undefined) delete (view as Record<string, Json>)['crm'];
  const stops: RuleOutcome = rule.stop ? 'stops' : 'listed';
  // A replay (an operator asked for it) neither checks nor starts cooldowns, and sends now.
  const replay = ctx.replay === true;
  // A digest rule buffers the match, unless bypass_digest holds too (or an operator replays it): then it sends at once.
  const digest = rule.digest;
  const buffered = digest !== undefined && !replay && (digest.bypass === undefined || !decideCondition(digest.bypass, view, memory));
  let digestKey: string | undefined;
  if (digest !== undefined) {
    digestKey = renderKey(digest.key, view);
    if (digestKey === '') {
      p.misses.push({ rule: rule.name, reason: `digest key ${digest.key} is empty for this event`, ...(explanation && { explanation }) });
      return 'listed';
    }
  }
  let cooldownId: string | undefined;
  if (rule.cooldown !== undefined && !replay) {
    const key = renderKey(rule.cooldown.key, view);
    if (key === '') {
      p.misses.push({ rule: rule.name, reason: `cooldown key ${rule.cooldown.key} is empty for this event`, ...(explanation && { explanation }) });
      return 'listed';
    }
    cooldownId = `${rule.name}|${key}`;
    const until = cooldownUntil(ctx.state.get(stateId('cooldown', cooldownId))?.value);
    if (until !== undefined && until > ctx.now) {
      // Repeats inside the cooldown are suppressed and do not extend it (a digest item too: it is not buffered).
      p.suppressed.push({ rule: rule.name, reason: 'cooldown', until, ...(explanation && { explanation }) });
      return stops;
    }
  }
  let dueAt: number | undefined;
  let quietHours: QuietHoursCheck | undefined;
  if (rule.quietHours !== undefined && !replay) {
    const at = rule.quietHours.window.at(ctx.now);
    quietHours = { window: rule.quietHours.describe, local: at.local, inside: at.inside };
    if (at.end !== undefined && rule.quietHours.then === 'drop') {
      // Dropped: nothing is sent, so no cooldown starts.
      p.suppressed.push({ rule: rule.name, reason: 'quiet_hours', until: at.end, ...(explanation && { explanation }), quietHours });
      return stops;
    }
    // A buffered item waits for its window; the digest's send is what quiet hours defer (render-digest.ts).
    if (!buffered) dueAt = at.end;
  }
  if (rule.cooldown !== undefined && cooldownId !== undefined) {
    // A deferred match's cooldown runs from when its actions are due: the night's repeats are suppressed.
    const ends = (dueAt ?? ctx.now) + rule.cooldown.forMs;
    p.updates.push({ scope: 'cooldown', key: cooldownId, value: { until: ends }, expiresAt: ends });
  }
  const shadow = rule.shadow && { shadow: true as const };
  if (buffered && digest !== undefined && digestKey !== undefined) {
    const window = digestWindow(digest.schedule, ctx.now);
    // A copy: later rules change the view (their CRM values), and the item is written after all are planned.
    const item = structuredClone({ ...view }) as JsonObject;
    p.matches.push({ rule: rule.name, ...shadow, actions: [], ...(explanation && { explanation }), digest: { key: digestKey, windowStart: window.start, windowEnd: window.end, item }, ...(quietHours && { quietHours }) });
    return stops;
  }
  // A digest rule's match sent at once renders as a digest of this one item.
  const actionView = digest === undefined || digestKey === undefined ? view : withDigest(view, { key: digestKey, windowStart: ctx.now, windowEnd: ctx.now, items: [view], maxItems: digest.maxItems });
  const actions: PlannedAction[] = [];
  for (const action of rule.actions) {
    const built = buildAction(event.id, rule, action, actionView);
    if (built.ok) actions.push(built.action);
    else p.misses.push(built.miss);
  }
  p.matches.push({ rule: rule.name, ...shadow, actions, ...(explanation && { explanation }), ...(dueAt !== undefined && { until: dueAt }), ...(quietHours && { quietHours }) });
  return stops;
}

function cooldownUntil(value: Json | undefined): number | undefined {
  const until = typeof value === 'object' && value !== null && !Array.isArray(value) ? value['until'] : undefined;
  return typeof until === 'number' ? until : undefined;
}

/** Whether any rule has a cooldown, per compiled rules file. */
const withCooldowns = new WeakMap<CompiledRules, boolean>();

/**
 * The state records planning `event` (received at `now`) may read: the activity of every tracked
 * key the event has, and the cooldown of every rule on it that has one and whose condition can
 * still hold once memory is read (can-match.ts). The planner reads them in one query.
 */
export function stateKeysOf(compiled: CompiledRules, event: BridgeEvent, now: number): { scope: string; key: string }[] {
  let cooling = withCooldowns.get(compiled);
  if (cooling === undefined) withCooldowns.set(compiled, (cooling = compiled.rules.some((r) => r.cooldown !== undefined)));
  if (compiled.tracking.size === 0 && !cooling) return [];
  const view = eventView(event);
  const keys: { scope: string; key: string }[] = [];
  for (const t of compiled.tracking.values()) {
    const key = renderKey(t.spec, view);
    if (key !== '') keys.push({ scope: 'activity', key: activityKey(t.spec, key) });
  }
  if (!cooling) return keys;
  // A rule the index does not find for the event cannot match it (its can-match is `no`).
  const rules = compiled.index === undefined ? compiled.rules : compiled.index.candidates(event, view).map((i) => compiled.rules[i] as CompiledRule);
  for (const rule of rules) {
    if (rule.cooldown === undefined || !rule.enabled || !isSubscribed(rule.on, event) || canMatch(rule.when, view, now) === 'no') continue;
    const key = renderKey(rule.cooldown.key, view);
    if (key !== '') keys.push({ scope: 'cooldown', key: `${rule.name}|${key}` });
  }
  return keys;
}
