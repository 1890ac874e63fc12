import type { Json, JsonObject } from '../events/event.js';

/** Why a condition held or not: the tree `bridge test` prints. */
export interface Explanation {
  /** Human-readable condition, e.g. `user.email in list vip_emails (ignore case)`. */
  readonly test: string;
  readonly passed: boolean;
  /** The field's value as seen by the test (absent when the field is missing). */
  readonly actual?: Json;
  readonly children?: readonly Explanation[];
}

/** One action a matching rule would run, with the exact request it sends. */
export interface PlannedAction {
  readonly destination: string;
  readonly kind: string;
  /** Index of the action within its rule. */
  readonly index: number;
  /** Stable key for this action of this event: `${eventId}:${rule}:${index}`; the job id. */
  readonly key: string;
  /** Exactly what the action sends (kind-specific, JSON-serialisable, no credentials). */
  readonly request: Json;
}

/** How a rule's quiet hours judged the event's receive time (what `bridge test` shows). */
export interface QuietHoursCheck {
  /** `Europe/Berlin 22:00–08:00, then defer`. */
  readonly window: string;
  /** The zone's wall clock at the receive time: `sun 2026-03-29 23:10`. */
  readonly local: string;
  readonly inside: boolean;
}

export interface PlanMatch {
  readonly rule: string;
  /** A `mode: shadow` rule: what it would have sent; the planner writes no job for it. */
  readonly shadow?: true;
  readonly actions: readonly PlannedAction[];
  readonly explanation?: Explanation;
  /** Quiet hours with `then: defer`: the actions are due at this time (ms), the end of the window. */
  readonly until?: number;
  readonly quietHours?: QuietHoursCheck;
  /** A digest rule: the match is buffered as this item (no actions now), sent when its window ends. */
  readonly digest?: BufferedItem;
}

/** A match buffered into a digest: its key, its window [start, end) (ms), and the event view it renders as. */
export interface BufferedItem {
  readonly key: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly item: JsonObject;
}

/** A rule whose condition held but which sends nothing now (see README "Memory"). */
export interface PlanSuppressed {
  readonly rule: string;
  readonly reason: 'cooldown' | 'quiet_hours';
  /** When the cooldown or the quiet hours end (ms). */
  readonly until: number;
  readonly explanation?: Explanation;
  readonly quietHours?: QuietHoursCheck;
}

export interface PlanMiss {
  readonly rule: string;
  /** One line: `not subscribed to user.joined`, `condition failed: user.email in list vip_emails`, `disabled`, `stopped by rule "x"`. */
  readonly reason: string;
  readonly explanation?: Explanation;
}

/** What the rules make of one event. `bridge test --json` prints this (see README "bridge test"). */
export interface Plan {
  readonly event: { readonly type: string; readonly id: string; readonly name: string };
  readonly matches: readonly PlanMatch[];
  readonly suppressed: readonly PlanSuppressed[];
  readonly misses: readonly PlanMiss[];
  /**
   * Only when the planner decides (not in `bridge test`): how many rules on the event missed on its
   * own fields and receive time without being listed in `misses`. Such a miss reads no memory, so
   * `bridge test --event-id` explains it exactly later, from the stored event at its receive time.
   */
  readonly unlistedMisses?: number;
  /**
   * Rules with `on_lookup_error: retry` whose CRM values are unknown and could decide them (listed
   * in `misses` too, with the lookup's error): the planner plans them again later.
   */
  readonly crmRetries?: readonly { readonly rule: string; readonly destination: string; readonly reason: string }[];
}
