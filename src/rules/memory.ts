import type { Json, JsonObject } from '../events/event.js';
import { getPath } from './get-path.js';
import { STATE_RECENT_WINDOW_MS, STATE_TEMPLATE_KEY } from './memory-fields.js';
import { renderTemplate } from './render-template.js';
import { stateId, type PlanContext, type RuleState } from './state-types.js';

/**
 * The activity record of one key (scope `activity`, key `<key spec>|<rendered key>`): when it was
 * first and last seen, totals per event type, the last time per type, and recent receive times per
 * type, trimmed to the longest window a rule counts over for that key and type.
 */
export interface Activity {
  readonly first_at: number;
  readonly last_at: number;
  readonly totals: Readonly<Record<string, number>>;
  readonly recent: Readonly<Record<string, readonly number[]>>;
}

/** At most this many recent times are kept per key and type: a `count` above it reads as the cap. */
export const RECENT_CAP = 1000;

/** What the rules need remembered about one key spec (`user.id`, or a template). */
export interface TrackedKey {
  readonly spec: string;
  /** first_seen or a state.* template reads it: the record never expires. */
  forever: boolean;
  /** Longest `count` window per event type (`*`: every type). */
  readonly windows: Map<string, number>;
  /** Longest `since_last` duration. */
  sinceMs: number;
}

export type Tracking = ReadonlyMap<string, TrackedKey>;

/** The rendered key of an event: a field path's scalar value, or a template's text; '' when empty. */
export function renderKey(spec: string, view: JsonObject): string {
  if (spec.includes('{{')) return renderTemplate(spec, view, (v) => v).trim();
  const value = getPath(view, spec);
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value).trim() : '';
}

export function track(tracking: Map<string, TrackedKey>, spec: string): TrackedKey {
  let t = tracking.get(spec);
  if (t === undefined) {
    t = { spec, forever: false, windows: new Map(), sinceMs: 0 };
    tracking.set(spec, t);
  }
  return t;
}

/** `state.*` templates read the memory of `user.id`: its visits ever and over 30 days. */
export function trackStateTemplates(tracking: Map<string, TrackedKey>): void {
  const t = track(tracking, STATE_TEMPLATE_KEY);
  t.forever = true;
  t.windows.set('user.visited', Math.max(t.windows.get('user.visited') ?? 0, STATE_RECENT_WINDOW_MS));
}

function isActivity(v: Json | undefined): v is Json & Activity {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { first_at?: unknown }).first_at === 'number';
}

/** The record with one more event of `type` at `now`, recent times trimmed to the windows that need them. */
function withEvent(prev: Activity | undefined, type: string, now: number, t: TrackedKey): Activity {
  const all = t.windows.get('*') ?? 0;
  const recent: Record<string, number[]> = {};
  const types = new Set([...Object.keys(prev?.recent ?? {}), type]);
  for (const ty of types) {
    const window = Math.max(all, t.windows.get(ty) ?? 0);
    if (window <= 0) continue;
    const kept = (prev?.recent[ty] ?? []).filter((at) => at > now - window);
    if (ty === type) kept.push(now);
    if (kept.length > 0) recent[ty] = kept.length > RECENT_CAP ? kept.slice(-RECENT_CAP) : kept;
  }
  return {
    first_at: prev?.first_at ?? now,
    last_at: Math.max(prev?.last_at ?? now, now),
    totals: { ...prev?.totals, [type]: (prev?.totals[type] ?? 0) + 1 },
    recent,
  };
}

function expiresAt(a: Activity, t: TrackedKey): number | null {
  if (t.forever) return null;
  return a.last_at + Math.max(t.sinceMs, ...t.windows.values());
}

/** One key's memory as a plan sees it: before this event, and with it counted. */
export interface KeyMemory {
  /** The rendered key; '' when the event has none (conditions on it fail). */
  readonly key: string;
  readonly before: Activity | undefined;
  readonly after: Activity | undefined;
}

export interface MemoryView {
  readonly now: number;
  of(spec: string): KeyMemory;
}

export const NO_MEMORY: MemoryView = { now: 0, of: () => ({ key: '', before: undefined, after: undefined }) };

export const activityKey = (spec: string, key: string): string => `${spec}|${key}`;

/**
 * Reads each tracked key's record for this event and counts the event in it. The new records go
 * to `updates`; a replay (`ctx.replay`) counts nothing again and reads the records as they are.
 */
export function memoryOf(tracking: Tracking, type: string, view: JsonObject, ctx: PlanContext, updates: RuleState[]): MemoryView {
  const bySpec = new Map<string, KeyMemory>();
  for (const t of tracking.values()) {
    const key = renderKey(t.spec, view);
    if (key === '') {
      bySpec.set(t.spec, { key, before: undefined, after: undefined });
      continue;
    }
    const record = ctx.state.get(stateId('activity', activityKey(t.spec, key)))?.value;
    const before = isActivity(record) ? record : undefined;
    // A replay or a CRM retry (ctx.only) reads the event's memory; its first planning counted it.
    if (ctx.replay === true || ctx.only !== undefined) {
      bySpec.set(t.spec, { key, before, after: before });
      continue;
    }
    const after = withEvent(before, type, ctx.now, t);
    updates.push({ scope: 'activity', key: activityKey(t.spec, key), value: after as unknown as Json, expiresAt: expiresAt(after, t) });
    bySpec.set(t.spec, { key, before, after });
  }
  return { now: ctx.now, of: (spec) => bySpec.get(spec) ?? { key: '', before: undefined, after: undefined } };
}

/** Events of `type` (every type when undefined) in the window (now − windowMs, now]. */
export function countIn(a: Activity | undefined, type: string | undefined, now: number, windowMs: number): number {
  if (a === undefined) return 0;
  const lists = type === undefined ? Object.values(a.recent) : [a.recent[type] ?? []];
  let n = 0;
  for (const list of lists) for (const at of list) if (at > now - windowMs && at <= now) n += 1;
  return n;
}

const iso = (ms: number | undefined): string => (ms === undefined ? '' : new Date(ms).toISOString());

/** The `state` object templates see (see memory-fields.ts). */
export function stateFieldsOf(memory: MemoryView): JsonObject {
  const m = memory.of(STATE_TEMPLATE_KEY);
  return {
    visits_total: m.after?.totals['user.visited'] ?? 0,
    visits_30d: countIn(m.after, 'user.visited', memory.now, STATE_RECENT_WINDOW_MS),
    first_seen_at: iso(m.after?.first_at),
    last_seen_at: iso(m.after?.last_at),
    previous_seen_at: iso(m.before?.last_at),
  };
}
