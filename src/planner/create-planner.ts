import type { BridgeEvent, JsonObject } from '../events/event.js';
import type { EventType } from '../events/event-types.js';
import type { Logger } from '../log.js';
import type { Plan } from '../rules/plan-types.js';
import { stateId, type RuleState } from '../rules/state-types.js';
import type { EventDecision, PlannedEvent, PlannerStore, StateKey, UnplannedEvent } from '../store/planner-store.js';
import { decisionOf, failedDecision, mergeDecision } from './decision-of.js';
import { dueRetries, nextRetry, noteRetries, RETRY_SCOPE, retryKey, type RetryRecord } from './crm-retries.js';
import { jobsOf } from './jobs-of.js';
import { digestItemsOf } from './digest-items-of.js';
import type { CrmLookup } from '../rules/crm-lookups.js';
import { crmStateKeys, gatherCrmAnswers } from './crm-answers.js';
import type { CrmReader, LookupOutcome } from './crm-reader.js';
import type { PlanningRules } from './planning-rules.js';

/** One event as the planner left it, for metrics and logs (after its batch committed). */
export interface PlannedOutcome {
  readonly event: BridgeEvent | undefined;
  readonly eventId: string;
  /** Undefined when planning failed (the decision says why). */
  readonly plan: Plan | undefined;
  readonly decision: EventDecision;
  readonly jobs: number;
}

export interface PlannerOptions {
  readonly store: PlannerStore;
  readonly rules: () => PlanningRules;
  readonly now: () => number;
  readonly log: Logger;
  /** Events per transaction (default 256). */
  readonly batchSize?: number;
  /**
   * Under load, how long a batch may gather after the previous one started (default 0: at once).
   * Events that arrive while a batch runs wait for it anyway; waiting a little longer makes fewer,
   * larger transactions, each of which rewrites the same pages into the WAL (README "Measured").
   */
  readonly gatherMs?: number;
  /** A safety net under `wake`: look for unplanned events this often (default 1 s). */
  readonly pollMs?: number;
  /** After each committed batch (wire the dispatcher's `wake` and metrics here). */
  readonly onPlanned?: (planned: readonly PlannedOutcome[]) => void;
  /** Reads `crm.contact.*` values from HubSpot; without it only cached answers are known. */
  readonly crm?: CrmReader;
  /** Each event's CRM lookup, after its batch committed: answered from the cache (hit), by a call (miss), or not (error). */
  readonly onCrmLookup?: (destination: string, outcome: LookupOutcome) => void;
}

export interface PlannerStats {
  readonly batches: number;
  readonly events: number;
  /** Events whose planning threw (recorded as their decision). */
  readonly failed: number;
}

export interface Planner {
  /** Plans whatever is unplanned now (events stored before a crash included), then on every wake. */
  start(): void;
  /** Called after an intake commit: plan the new events soon. */
  wake(): void;
  /** Resolves once nothing is left to plan and no batch is running (tests, benchmarks). */
  idle(): Promise<void>;
  /** Finishes the batch in progress; events left unplanned are planned on the next start. */
  stop(): Promise<void>;
  stats(): PlannerStats;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function toEvent(e: UnplannedEvent): BridgeEvent {
  return { id: e.id, type: e.type as EventType, name: e.name, payload: JSON.parse(e.payload) as JsonObject };
}

/**
 * The planner: behind the intake's commit, takes unplanned events in arrival order, a batch at a
 * time; reads the state their rules name in one query; plans each with the pure engine at its
 * receive time, applying each event's state updates before the next (two visits of one key in a
 * batch see each other); and commits jobs, state and decisions with the planned mark in one
 * transaction. A crash anywhere resumes at the first unplanned event; the mark in the same
 * transaction means nothing is planned twice. One event's planning error is its decision.
 */
export function createPlanner(opts: PlannerOptions): Planner {
  const { store, log } = opts;
  const batchSize = opts.batchSize ?? 256;
  const pollMs = opts.pollMs ?? 1000;
  const gatherMs = opts.gatherMs ?? 0;
  let state: 'new' | 'running' | 'stopped' = 'new';
  let loop: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let idleWaiters: (() => void)[] = [];
  /** Ends the gathering pause early (stop). */
  let endPause: (() => void) | undefined;
  let batches = 0;
  let events = 0;
  let failed = 0;

  /** The CRM retries due now (none without a reader: only a reader can answer them), and those whose event is gone (pruned). */
  async function dueRetryRows(): Promise<{ due: { row: UnplannedEvent; retry: RetryRecord }[]; gone: RetryRecord[] }> {
    if (opts.crm === undefined) return { due: [], gone: [] };
    const retries = dueRetries(await store.readScope(RETRY_SCOPE), opts.now(), batchSize);
    if (retries.length === 0) return { due: [], gone: [] };
    const rows = new Map((await store.eventsAt(retries.map((r) => r.seq))).map((r) => [r.seq, r]));
    const due: { row: UnplannedEvent; retry: RetryRecord }[] = [];
    const gone: RetryRecord[] = [];
    for (const retry of retries) {
      const row = rows.get(retry.seq);
      if (row === undefined) gone.push(retry);
      else due.push({ row, retry });
    }
    return { due, gone };
  }

  async function planBatch(): Promise<number> {
    const fresh = await store.unplanned(batchSize);
    const { due: retries, gone } = await dueRetryRows();
    if (fresh.length === 0 && retries.length === 0 && gone.length === 0) return 0;
    const rules = opts.rules();
    // Retries first: their events are older, and what they start (a cooldown) the new ones see.
    const items: { row: UnplannedEvent; retry?: RetryRecord }[] = [...retries, ...fresh.map((row) => ({ row }))];
    const parsed: (BridgeEvent | Error)[] = [];
    const lookups: (readonly CrmLookup[])[] = [];
    const keys = new Map<string, StateKey>();
    for (const { row } of items) {
      try {
        const event = toEvent(row);
        for (const k of rules.stateKeys(event, row.receivedAt)) keys.set(stateId(k.scope, k.key), k);
        const needs = rules.crmLookups?.(event, row.receivedAt) ?? [];
        for (const k of crmStateKeys(needs)) keys.set(stateId(k.scope, k.key), k);
        lookups.push(needs);
        parsed.push(event);
      } catch (err) {
        lookups.push([]);
        parsed.push(err instanceof Error ? err : new Error(String(err)));
      }
    }
    const snapshot = new Map<string, RuleState>();
    for (const r of await store.readState([...keys.values()])) snapshot.set(stateId(r.scope, r.key), r);
    const changed = new Map<string, RuleState>();
    // Behind the intake's commit: a lookup delays planning, never an acknowledgement.
    const crm = await gatherCrmAnswers({ lookups, state: snapshot, reader: opts.crm, now: opts.now() });
    for (const w of crm.writes) changed.set(stateId(w.scope, w.key), w);
    const plannedAt = opts.now();
    const planned: PlannedEvent[] = [];
    const replanned: PlannedEvent[] = [];
    const deleted: StateKey[] = gone.map((r) => ({ scope: RETRY_SCOPE, key: retryKey(r.seq) }));
    const outcomes: PlannedOutcome[] = [];
    for (const [i, { row, retry }] of items.entries()) {
      const event = parsed[i] as BridgeEvent | Error;
      try {
        if (event instanceof Error) throw event;
        const only = retry === undefined ? undefined : new Set(retry.rules);
        const { plan, updates } = rules.plan(event, { now: row.receivedAt, state: snapshot, crm: crm.answers[i] ?? new Map(), ...(only && { only }) });
        for (const u of updates) {
          const id = stateId(u.scope, u.key);
          snapshot.set(id, u);
          changed.set(id, u);
        }
        const jobs = jobsOf(event, plan);
        const next = nextRetry(row.seq, row.id, plan, (retry?.attempts ?? 0) + 1, row.receivedAt, plannedAt, crm.retryAfterMs);
        if (next.record !== undefined) changed.set(stateId(next.record.scope, next.record.key), next.record);
        else if (retry !== undefined) deleted.push({ scope: RETRY_SCOPE, key: retryKey(row.seq) });
        const old = retry === undefined || only === undefined ? undefined : await store.decisionOf(row.id);
        const decision = noteRetries(old !== undefined && only !== undefined ? mergeDecision(old, plan, only, plannedAt) : decisionOf(plan, rules.version, plannedAt), plan, next.note);
        const digestItems = digestItemsOf(plan);
        (retry === undefined ? planned : replanned).push({ seq: row.seq, eventId: row.id, decision, jobs, ...(digestItems.length > 0 && { digestItems }) });
        outcomes.push({ event, eventId: row.id, plan, decision, jobs: jobs.length });
      } catch (err) {
        const decision = failedDecision(errorText(err), rules.version, plannedAt);
        if (retry !== undefined) {
          // A retry that cannot be planned is given up; the event's first decision stays.
          log.error({ err, eventId: row.id }, 'planning a CRM retry failed; given up');
          deleted.push({ scope: RETRY_SCOPE, key: retryKey(row.seq) });
          continue;
        }
        failed += 1;
        log.error({ err, eventId: row.id }, 'planning an event failed; recorded as its decision');
        planned.push({ seq: row.seq, eventId: row.id, decision, jobs: [] });
        outcomes.push({ event: event instanceof Error ? undefined : event, eventId: row.id, plan: undefined, decision, jobs: 0 });
      }
    }
    await store.commitPlans({ events: planned, state: [...changed.values()], now: plannedAt, ...(replanned.length > 0 && { replanned }), ...(deleted.length > 0 && { deleted }) });
    batches += 1;
    events += fresh.length;
    for (const o of outcomes) {
      log.info({ eventId: o.eventId, type: o.event?.type, rulesVersion: rules.version, rules: o.plan?.matches.map((m) => m.rule) ?? [], decision: o.decision.summary, jobs: o.jobs }, 'event planned');
      // An action whose request could not be built from this event would otherwise vanish without a trace.
      for (const m of o.plan?.misses ?? []) if (m.reason.includes(' not built: ')) log.warn({ eventId: o.eventId, rule: m.rule, reason: m.reason }, 'action not built');
    }
    try {
      for (const o of crm.outcomes.flat()) opts.onCrmLookup?.(o.destination, o.outcome);
      opts.onPlanned?.(outcomes);
    } catch (err) {
      log.warn({ err }, 'after planning');
    }
    return fresh.length;
  }

  /** Waits `ms` (a turn when none is left), or until stop. */
  function pause(ms: number): Promise<void> {
    if (ms <= 0) return turn();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        endPause = undefined;
        resolve();
      }, ms);
      endPause = () => {
        clearTimeout(timer);
        endPause = undefined;
        resolve();
      };
    });
  }

  async function run(): Promise<void> {
    try {
      for (;;) {
        again = false;
        const started = performance.now();
        const n = await planBatch();
        if (state !== 'running' || (n < batchSize && !again)) break;
        // Between batches, let requests in (a backlog must not hold the intake up). A full batch
        // means a backlog: go on at once. Otherwise more arrived while this one ran: let them gather.
        await (n < batchSize ? pause(gatherMs - (performance.now() - started)) : turn());
        if (state !== 'running') break;
      }
    } catch (err) {
      // The store refused the batch (disk full, say): nothing of it was stored; the poll retries it.
      log.error({ err }, 'planning a batch failed; retrying shortly');
    } finally {
      loop = undefined;
      if (state === 'running' && again) kick();
      else settleIdle();
    }
  }

  function settleIdle(): void {
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }

  function kick(): void {
    if (state !== 'running') return;
    if (loop !== undefined) {
      again = true;
      return;
    }
    loop = run();
  }

  return {
    start() {
      if (state !== 'new') return;
      state = 'running';
      timer = setInterval(kick, pollMs);
      timer.unref();
      kick();
    },
    wake: kick,
    async idle() {
      for (;;) {
        if (loop !== undefined) await new Promise<void>((resolve) => idleWaiters.push(resolve));
        else if (state === 'running' && (await store.unplannedCount()) > 0) kick();
        else return;
      }
    },
    async stop() {
      state = 'stopped';
      if (timer !== undefined) clearInterval(timer);
      endPause?.();
      await loop;
    },
    stats: () => ({ batches, events, failed }),
  };
}
