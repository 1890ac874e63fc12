import type { AnyActionKind } from '../actions/action.js';
import { compileCondition, ListSets } from './compile-condition.js';
import type { CompiledCondition } from './compile-condition.js';
import type { Condition } from './condition.js';
import { compileOn } from './compile-on.js';
import type { OnMatcher } from './compile-on.js';
import { parseTemplate, templateTags } from './render-template.js';
import { parseDuration } from './duration.js';
import { trackStateTemplates, type TrackedKey, type Tracking } from './memory.js';
import type { TimeWindow } from './condition.js';
import { compileTimeWindow, type CompiledWindow } from './time-window.js';
import { createRuleIndex, type RuleIndex } from './rule-index.js';
import { DEFAULT_LOOKUP_TTL, type LookupErrorPolicy } from './crm-fields.js';
import { minutesOf } from './time-window.js';
import type { DigestSchedule } from './digest-window.js';

/** What planning needs of a destination kind (tests pass fakes; the server passes the registry). */
export type PlanKind = Pick<AnyActionKind, 'kind' | 'escape' | 'buildRequest'>;
export type PlanKinds = Readonly<Record<string, PlanKind>>;

/** What compiling needs of a validated rules file (config's RulesFile is one). */
export interface RulesInput {
  readonly lists: Readonly<Record<string, readonly (string | number | boolean)[]>>;
  readonly rules: readonly {
    readonly name: string;
    readonly on: string | readonly string[];
    readonly when?: Condition | undefined;
    readonly actions: readonly object[];
    readonly stop?: boolean | undefined;
    readonly enabled?: boolean | undefined;
    readonly mode?: 'live' | 'shadow' | undefined;
    readonly cooldown?: { readonly key: string; readonly for: string } | undefined;
    readonly quiet_hours?: (TimeWindow & { readonly then?: 'defer' | 'drop' | undefined }) | undefined;
    readonly digest?: { readonly key: string; readonly every?: string | undefined; readonly at?: string | undefined; readonly tz?: string | undefined; readonly max_items?: number | undefined } | undefined;
    readonly bypass_digest?: Condition | undefined;
    /** The HubSpot destination its `crm.contact.*` fields are looked up in (default: the only one). */
    readonly crm?: string | undefined;
    readonly on_lookup_error?: LookupErrorPolicy | undefined;
  }[];
}

export interface CompileInput {
  readonly file: RulesInput;
  /** Destinations by name as the action kinds take them (credentials resolved or dropped by the loader). */
  readonly destinations: ReadonlyMap<string, { kind: string; config: Record<string, unknown> }>;
}

export interface CompiledAction {
  /** Index within the rule's actions. */
  readonly index: number;
  readonly kind: string;
  readonly destination: string;
  readonly destinationConfig: Record<string, unknown>;
  readonly params: Record<string, unknown>;
  readonly impl: PlanKind;
}

export interface CompiledRule {
  readonly name: string;
  readonly enabled: boolean;
  /** A shadow rule stops nothing: `stop: true` only applies to live rules. */
  readonly stop: boolean;
  /** Planned and recorded as "would have sent"; its actions never become jobs. */
  readonly shadow: boolean;
  readonly on: OnMatcher;
  /** Undefined when the rule has no `when`: it matches every event it is on. */
  readonly when: CompiledCondition | undefined;
  /** Whether `when` has a memory test (first_seen, since_last, count): its misses are explained when planned. */
  readonly readsMemory: boolean;
  readonly actions: readonly CompiledAction[];
  /** At most one firing per rendered key per `forMs`. */
  readonly cooldown: { readonly key: string; readonly forMs: number } | undefined;
  /** Matches inside the window are deferred to its end or dropped. */
  readonly quietHours: { readonly window: CompiledWindow; readonly then: 'defer' | 'drop'; readonly describe: string } | undefined;
  /** Its condition reads `crm.contact.*`: where the planner looks the contact up, and what it needs. */
  readonly crm: CompiledCrm | undefined;
  /** Matches are buffered per rendered key and window, and sent as one message per window (README "Digests"). */
  readonly digest: CompiledDigest | undefined;
}

export interface CompiledDigest {
  readonly key: string;
  readonly schedule: DigestSchedule;
  readonly maxItems: number;
  /** Matches for which this holds too are sent at once, as without a digest. */
  readonly bypass: CompiledCondition | undefined;
}

/** A rule's CRM lookup: the HubSpot destination, the properties its condition reads, the answer's TTL, the failure policy. */
export interface CompiledCrm {
  readonly destination: string;
  readonly properties: readonly string[];
  /** How long an answer is reused (the destination's `lookup_ttl`). */
  readonly ttlMs: number;
  readonly onError: LookupErrorPolicy;
}

export interface CompiledRules {
  /** In file order. */
  readonly rules: readonly CompiledRule[];
  /** The keys whose activity the rules read (memory conditions, state.* templates). */
  readonly tracking: Tracking;
  /** Whether any template reads `state.*` (the view then carries it). */
  readonly stateTemplates: boolean;
  /** Finds the rules that can match an event (rule-index.ts); undefined when compiled without it. */
  readonly index: RuleIndex | undefined;
}

export interface CompileOptions {
  /** Build the rule index (default true); the tests compare planning without it. */
  readonly index?: boolean;
}

/** The contact properties a condition's `crm.contact.*` fields read, in first-use order. */
function crmProperties(c: CompiledCondition | undefined, out: Set<string> = new Set()): Set<string> {
  if (c === undefined) return out;
  if (c.kind === 'leaf' && c.crm !== undefined) out.add(c.crm);
  else if (c.kind === 'not') crmProperties(c.child, out);
  else if (c.kind === 'all' || c.kind === 'any') for (const child of c.children) crmProperties(child, out);
  return out;
}

/** `crm:`, or the only HubSpot destination; the loader refuses a file where that is not one. */
function compileCrm(rule: RulesInput['rules'][number], when: CompiledCondition | undefined, input: CompileInput): CompiledCrm | undefined {
  const properties = [...crmProperties(when)];
  if (properties.length === 0) return undefined;
  const hubspot = [...input.destinations].filter(([, d]) => d.kind === 'hubspot').map(([name]) => name);
  const destination = rule.crm ?? (hubspot.length === 1 ? hubspot[0] : undefined);
  const dest = destination === undefined ? undefined : input.destinations.get(destination);
  if (destination === undefined || dest?.kind !== 'hubspot') {
    throw new Error(`rule "${rule.name}": crm.contact.* needs a hubspot destination to look contacts up in (crm: <name>)`);
  }
  const ttl = dest.config['lookup_ttl'];
  const ttlMs = parseDuration(typeof ttl === 'string' ? ttl : DEFAULT_LOOKUP_TTL);
  if (ttlMs === undefined) throw new Error(`destination "${destination}": not a duration: ${JSON.stringify(ttl)}`);
  return { destination, properties, ttlMs, onError: rule.on_lookup_error ?? 'skip' };
}

function readsMemory(c: CompiledCondition | undefined): boolean {
  if (c === undefined) return false;
  if (c.kind === 'memory') return true;
  if (c.kind === 'not') return readsMemory(c.child);
  return (c.kind === 'all' || c.kind === 'any') && c.children.some(readsMemory);
}

/** Whether any string in an action's params names `state` or `state.*`. */
function usesState(value: unknown): boolean {
  if (typeof value === 'string') {
    try {
      return templateTags(value).some((t) => t.name === 'state' || t.name.startsWith('state.'));
    } catch {
      return false;
    }
  }
  if (Array.isArray(value)) return value.some(usesState);
  return typeof value === 'object' && value !== null && Object.values(value).some(usesState);
}

/** Pre-parses every string in an action's params; strings that are not templates parse as plain text. */
function preparse(value: unknown): void {
  if (typeof value === 'string') {
    try {
      parseTemplate(value);
    } catch {
      // The loader reports malformed templates; if one got here, rendering it fails the action at plan time.
    }
  } else if (Array.isArray(value)) value.forEach(preparse);
  else if (typeof value === 'object' && value !== null) Object.values(value).forEach(preparse);
}

function compileAction(rule: string, action: Record<string, unknown>, index: number, input: CompileInput, kinds: PlanKinds): CompiledAction {
  const where = `rule "${rule}" action ${index}`;
  const used = Object.keys(action).filter((k) => action[k] !== undefined);
  const kind = used[0];
  if (kind === undefined || used.length !== 1) throw new Error(`${where}: an action has exactly one kind (found ${used.join(', ') || 'none'})`);
  if (!Object.hasOwn(kinds, kind)) throw new Error(`${where}: unknown action kind "${kind}"`);
  const impl = kinds[kind] as PlanKind;
  const params = action[kind] as Record<string, unknown>;
  const destination = params['destination'];
  const dest = typeof destination === 'string' ? input.destinations.get(destination) : undefined;
  if (typeof destination !== 'string' || dest === undefined) throw new Error(`${where}: unknown destination ${JSON.stringify(destination)}`);
  if (dest.kind !== kind) throw new Error(`${where}: destination "${destination}" is a ${dest.kind} destination, not ${kind}`);
  const { destination: _name, ...templates } = params;
  preparse(templates);
  return { index, kind, destination, destinationConfig: dest.config, params, impl };
}

const DEFAULT_MAX_ITEMS = 25;

function compileDigest(rule: RulesInput['rules'][number], lists: ListSets, tracking: Map<string, TrackedKey>): CompiledDigest | undefined {
  const d = rule.digest;
  if (d === undefined) return undefined;
  const everyMs = d.every === undefined ? undefined : parseDuration(d.every);
  const atMinutes = d.at === undefined ? undefined : minutesOf(d.at);
  let schedule: DigestSchedule;
  if (everyMs !== undefined && d.at === undefined) schedule = { everyMs };
  else if (atMinutes !== undefined && d.tz !== undefined && d.every === undefined) schedule = { atMinutes, tz: d.tz };
  else throw new Error(`rule "${rule.name}": a digest needs every, or at with tz`);
  const bypass = rule.bypass_digest === undefined ? undefined : compileCondition(rule.bypass_digest, lists, tracking);
  return { key: d.key, schedule, maxItems: d.max_items ?? DEFAULT_MAX_ITEMS, bypass };
}

function compileQuietHours(q: TimeWindow & { readonly then?: 'defer' | 'drop' | undefined }): CompiledRule['quietHours'] {
  const window = compileTimeWindow(q);
  const then = q.then ?? 'defer';
  return { window, then, describe: `${window.describe}, then ${then}` };
}

/**
 * Compiles a validated rules file once, so planning an event is only lookups and predicate calls.
 * Throws on what the loader refuses (unknown lists, destinations, kinds or `on` entries, bad regexes).
 */
export function compileRules(input: CompileInput, kinds: PlanKinds, options: CompileOptions = {}): CompiledRules {
  const lists = new ListSets(input.file.lists);
  const tracking = new Map<string, TrackedKey>();
  const rules = input.file.rules.map((rule): CompiledRule => {
    const forMs = rule.cooldown === undefined ? undefined : parseDuration(rule.cooldown.for);
    if (rule.cooldown !== undefined && forMs === undefined) throw new Error(`rule "${rule.name}": not a duration: ${JSON.stringify(rule.cooldown.for)}`);
    const when = rule.when === undefined ? undefined : compileCondition(rule.when, lists, tracking);
    return {
      name: rule.name,
      enabled: rule.enabled !== false,
      stop: rule.stop === true && rule.mode !== 'shadow',
      shadow: rule.mode === 'shadow',
      on: compileOn(rule.on),
      when,
      readsMemory: readsMemory(when),
      actions: rule.actions.map((a, i) => compileAction(rule.name, a as Record<string, unknown>, i, input, kinds)),
      cooldown: rule.cooldown === undefined || forMs === undefined ? undefined : { key: rule.cooldown.key, forMs },
      quietHours: rule.quiet_hours === undefined ? undefined : compileQuietHours(rule.quiet_hours),
      crm: compileCrm(rule, when, input),
      digest: compileDigest(rule, lists, tracking),
    };
  });
  const stateTemplates = rules.some((r) => r.actions.some((a) => usesState(a.params)));
  if (stateTemplates) trackStateTemplates(tracking);
  return { rules, tracking, stateTemplates, index: options.index === false ? undefined : createRuleIndex(rules) };
}
