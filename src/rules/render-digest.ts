import type { JsonObject } from '../events/event.js';
import type { CompiledRules } from './compile-rules.js';
import { withDigest } from './digest-view.js';
import { buildAction } from './plan.js';
import type { PlanMiss, PlannedAction } from './plan-types.js';

/** One closed window's items, as the store kept them, oldest first. */
export interface DigestToRender {
  readonly rule: string;
  readonly key: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly items: readonly { readonly eventId: string; readonly item: JsonObject }[];
}

/** A digest's actions, keyed `<newest item's event id>:<rule>:<index>`, and when they are due. */
export interface RenderedDigest {
  readonly actions: readonly PlannedAction[];
  /** Actions whose request could not be built from the digest. */
  readonly misses: readonly PlanMiss[];
  /** The window ended inside the rule's quiet hours: the digest is due when they end (ms). */
  readonly dueAt?: number;
}

/**
 * Renders a closed window's digest with the rules in force: one request per action of its rule,
 * over the newest item's fields and `digest.*`. Pure. Undefined when the rules have no digest rule
 * of that name any more (removed, or its digest taken off): its items have nothing to render them.
 * An empty window renders nothing. The window ending inside the rule's quiet hours (defer or drop:
 * the items were taken outside them) makes the digest due when they end.
 */
export function renderDigest(compiled: CompiledRules, d: DigestToRender): RenderedDigest | undefined {
  const rule = compiled.rules.find((r) => r.name === d.rule);
  if (rule?.digest === undefined) return undefined;
  const newest = d.items.at(-1);
  if (newest === undefined) return { actions: [], misses: [] };
  const view = withDigest(newest.item, { key: d.key, windowStart: d.windowStart, windowEnd: d.windowEnd, items: d.items.map((i) => i.item), maxItems: rule.digest.maxItems });
  const actions: PlannedAction[] = [];
  const misses: PlanMiss[] = [];
  for (const action of rule.actions) {
    const built = buildAction(newest.eventId, rule, action, view);
    if (built.ok) actions.push(built.action);
    else misses.push(built.miss);
  }
  const dueAt = rule.quietHours?.window.at(d.windowEnd).end;
  return { actions, misses, ...(dueAt !== undefined && { dueAt }) };
}
