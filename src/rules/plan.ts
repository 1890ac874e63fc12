import type { BridgeEvent, Json, JsonObject } from '../events/event.js';
import type { CompiledAction, CompiledRule, CompiledRules } from './compile-rules.js';
import { isSubscribed } from './compile-on.js';
import { evaluateCondition, failureSummary, type EvaluationMode } from './evaluate-condition.js';
import { eventView } from './event-view.js';
import type { Explanation, PlanMatch, PlanMiss, PlannedAction } from './plan-types.js';
import { renderTemplate } from './render-template.js';
import { errorMessage } from '../error-message.js';
import { NO_STATE, stateId, type PlanContext, type PlanResult, type RuleState } from './state-types.js';
import { activityKey, memoryOf, renderKey, stateFieldsOf } from './memory.js';
import type { PlanSuppressed, QuietHoursCheck } from './plan-types.js';
import { canMatch } from './can-match.js';

type Built = { ok: true; action: PlannedAction } | { ok: false; miss: PlanMiss };

/**
 * Builds one action's request. A kind that refuses the rendered values (say, a HubSpot property
 * over its limit) must not stop the event's other actions or the intake, so its error becomes a
 * miss of this rule, reported beside the rule's actions that did build.
 */
function buildAction(event: BridgeEvent, rule: CompiledRule, action: CompiledAction, view: JsonObject): Built {
  const { impl, index, kind, destination } = action;
  const render = (template: string): string => renderTemplate(template, view, impl.escape);
  try {
    const request = impl.buildRequest(action.destinationConfig, action.params, render) as Json;
    return { ok: true, action: { destination, kind, index, key: `${event.id}:${rule.name}:${index}`, request } };
  } catch (err) {
    const message = errorMessage(err);
    return { ok: false, miss: { rule: rule.name, reason: `action ${index} (${kind} to ${destination}) not built: ${message}` } };
  }
}

/**
 * What the rules make of one event: rules in file order, every matching rule fires, and a
 * matching rule with `stop: true` ends evaluation (later rules are misses `stopped by rule "x"`).
 * Pure: the receive time and the state snapshot come in `ctx`, the state updates go out as data.
 * A matching rule is then checked against its cooldown (cooling: suppressed) and its quiet hours
 * (inside: dropped as suppressed, or deferred: a match whose actions are due when they end).
 * `bridge test` prints the plan (in `explain` mode, so every branch of an all/any is shown) and the
 * planner turns its actions into jobs.
 */
export function planEvent(compiled: CompiledRules, event: BridgeEvent, ctx: PlanContext = { now: 0, state: NO_STATE }): PlanResult {
  const mode: EvaluationMode = ctx.mode ?? 'decide';
  const view = eventView(event);
  const updates: RuleState[] = [];
  const memory = memoryOf(compiled.tracking, event.type, view, ctx, updates);
  // Derived like event.type: a payload field named `state` cannot spoof the memory.
  if (compiled.stateTemplates) (view as Record<string, Json>)['state'] = stateFieldsOf(memory);
  const matches: PlanMatch[] = [];
  const suppressed: PlanSuppressed[] = [];
  const misses: PlanMiss[] = [];
  let stoppedBy: string | undefined;
  for (const rule of compiled.rules) {
    if (stoppedBy !== undefined) {
      misses.push({ rule: rule.name, reason: `stopped by rule "${stoppedBy}"` });
      continue;
    }
    if (!rule.enabled) {
      misses.push({ rule: rule.name, reason: 'disabled' });
      continue;
    }
    if (!isSubscribed(rule.on, event)) {
      misses.push({ rule: rule.name, reason: `not subscribed to ${event.type}` });
      continue;
    }
    let explanation: Explanation | undefined;
    if (rule.when !== undefined) {
      explanation = evaluateCondition(rule.when, view, mode, memory);
      if (!explanation.passed) {
        misses.push({ rule: rule.name, reason: `condition failed: ${failureSummary(explanation)}`, explanation });
        continue;
      }
    }
    // A replay (an operator asked for it) neither checks nor starts cooldowns, and sends now.
    const replay = ctx.replay === true;
    let cooldownId: string | undefined;
    if (rule.cooldown !== undefined && !replay) {
      const key = renderKey(rule.cooldown.key, view);
      if (key === '') {
        misses.push({ rule: rule.name, reason: `cooldown key ${rule.cooldown.key} is empty for this event`, ...(explanation && { explanation }) });
        continue;
      }
      cooldownId = `${rule.name}|${key}`;
      const until = cooldownUntil(ctx.state.get(stateId('cooldown', cooldownId))?.value);
      if (until !== undefined && until > ctx.now) {
        // Repeats inside the cooldown are suppressed and do not extend it.
        suppressed.push({ rule: rule.name, reason: 'cooldown', until, ...(explanation && { explanation }) });
        if (rule.stop) stoppedBy = rule.name;
        continue;
      }
    }
    let dueAt: number | undefined;
    let quietHours: QuietHoursCheck | undefined;
    if (rule.quietHours !== undefined && !replay) {
      const at = rule.quietHours.window.at(ctx.now);
      quietHours = { window: rule.quietHours.describe, local: at.local, inside: at.inside };
      if (at.end !== undefined && rule.quietHours.then === 'drop') {
        // Dropped: nothing is sent, so no cooldown starts.
        suppressed.push({ rule: rule.name, reason: 'quiet_hours', until: at.end, ...(explanation && { explanation }), quietHours });
        if (rule.stop) stoppedBy = rule.name;
        continue;
      }
      dueAt = at.end;
    }
    if (rule.cooldown !== undefined && cooldownId !== undefined) {
      // A deferred match's cooldown runs from when its actions are due: the night's repeats are suppressed.
      const ends = (dueAt ?? ctx.now) + rule.cooldown.forMs;
      updates.push({ scope: 'cooldown', key: cooldownId, value: { until: ends }, expiresAt: ends });
    }
    const actions: PlannedAction[] = [];
    for (const action of rule.actions) {
      const built = buildAction(event, rule, action, view);
      if (built.ok) actions.push(built.action);
      else misses.push(built.miss);
    }
    matches.push({ rule: rule.name, ...(rule.shadow && { shadow: true as const }), actions, ...(explanation && { explanation }), ...(dueAt !== undefined && { until: dueAt }), ...(quietHours && { quietHours }) });
    if (rule.stop) stoppedBy = rule.name;
  }
  return { plan: { event: { type: event.type, id: event.id, name: event.name }, matches, suppressed, misses }, updates };
}

function cooldownUntil(value: Json | undefined): number | undefined {
  const until = typeof value === 'object' && value !== null && !Array.isArray(value) ? value['until'] : undefined;
  return typeof until === 'number' ? until : undefined;
}

/**
 * The state records planning `event` (received at `now`) may read: the activity of every tracked
 * key the event has, and the cooldown of every rule on it that has one and whose condition can
 * still hold once memory is read (can-match.ts). The planner reads them in one query.
 */
export function stateKeysOf(compiled: CompiledRules, event: BridgeEvent, now: number): { scope: string; key: string }[] {
  if (compiled.tracking.size === 0 && !compiled.rules.some((r) => r.cooldown !== undefined)) return [];
  const view = eventView(event);
  const keys: { scope: string; key: string }[] = [];
  for (const t of compiled.tracking.values()) {
    const key = renderKey(t.spec, view);
    if (key !== '') keys.push({ scope: 'activity', key: activityKey(t.spec, key) });
  }
  for (const rule of compiled.rules) {
    if (rule.cooldown === undefined || !rule.enabled || !isSubscribed(rule.on, event) || canMatch(rule.when, view, now) === 'no') continue;
    const key = renderKey(rule.cooldown.key, view);
    if (key !== '') keys.push({ scope: 'cooldown', key: `${rule.name}|${key}` });
  }
  return keys;
}
