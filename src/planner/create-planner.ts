import type { BridgeEvent, JsonObject } from '../events/event.js';
import type { EventType } from '../events/event-types.js';
import type { Logger } from '../log.js';
import type { Plan } from '../rules/plan-types.js';
import { stateId, type RuleState } from '../rules/state-types.js';
import type { EventDecision, PlannedEvent, PlannerStore, StateKey, UnplannedEvent } from '../store/planner-store.js';
import { decisionOf, failedDecision } from './decision-of.js';
import { jobsOf } from './jobs-of.js';
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
  /** A safety net under `wake`: look for unplanned events this often (default 1 s). */
  readonly pollMs?: number;
  /** After each committed batch (wire the dispatcher's `wake` and metrics here). */
  readonly onPlanned?: (planned: readonly PlannedOutcome[]) => void;
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
  let state: 'new' | 'running' | 'stopped' = 'new';
  let loop: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let idleWaiters: (() => void)[] = [];
  let batches = 0;
  let events = 0;
  let failed = 0;

  async function planBatch(): Promise<number> {
    const rows = await store.unplanned(batchSize);
    if (rows.length === 0) return 0;
    const rules = opts.rules();
    const parsed: (BridgeEvent | Error)[] = [];
    const keys = new Map<string, StateKey>();
    for (const row of rows) {
      try {
        const event = toEvent(row);
        for (const k of rules.stateKeys(event, row.receivedAt)) keys.set(stateId(k.scope, k.key), k);
        parsed.push(event);
      } catch (err) {
        parsed.push(err instanceof Error ? err : new Error(String(err)));
      }
    }
    const snapshot = new Map<string, RuleState>();
    for (const r of await store.readState([...keys.values()])) snapshot.set(stateId(r.scope, r.key), r);
    const changed = new Map<string, RuleState>();
    const plannedAt = opts.now();
    const planned: PlannedEvent[] = [];
    const outcomes: PlannedOutcome[] = [];
    rows.forEach((row, i) => {
      const event = parsed[i] as BridgeEvent | Error;
      try {
        if (event instanceof Error) throw event;
        const { plan, updates } = rules.plan(event, { now: row.receivedAt, state: snapshot });
        for (const u of updates) {
          const id = stateId(u.scope, u.key);
          snapshot.set(id, u);
          changed.set(id, u);
        }
        const jobs = jobsOf(event, plan);
        const decision = decisionOf(plan, rules.version, plannedAt);
        planned.push({ seq: row.seq, eventId: row.id, decision, jobs });
        outcomes.push({ event, eventId: row.id, plan, decision, jobs: jobs.length });
      } catch (err) {
        failed += 1;
        const decision = failedDecision(errorText(err), rules.version, plannedAt);
        log.error({ err, eventId: row.id }, 'planning an event failed; recorded as its decision');
        planned.push({ seq: row.seq, eventId: row.id, decision, jobs: [] });
        outcomes.push({ event: event instanceof Error ? undefined : event, eventId: row.id, plan: undefined, decision, jobs: 0 });
      }
    });
    await store.commitPlans({ events: planned, state: [...changed.values()], now: plannedAt });
    batches += 1;
    events += rows.length;
    for (const o of outcomes) {
      log.info({ eventId: o.eventId, type: o.event?.type, rulesVersion: rules.version, rules: o.plan?.matches.map((m) => m.rule) ?? [], decision: o.decision.summary, jobs: o.jobs }, 'event planned');
      // An action whose request could not be built from this event would otherwise vanish without a trace.
      for (const m of o.plan?.misses ?? []) if (m.reason.includes(' not built: ')) log.warn({ eventId: o.eventId, rule: m.rule, reason: m.reason }, 'action not built');
    }
    try {
      opts.onPlanned?.(outcomes);
    } catch (err) {
      log.warn({ err }, 'after planning');
    }
    return rows.length;
  }

  async function run(): Promise<void> {
    try {
      for (;;) {
        again = false;
        const n = await planBatch();
        if (state !== 'running' || (n < batchSize && !again)) break;
        // Between batches, let requests in (a backlog must not hold the intake up).
        await turn();
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
      await loop;
    },
    stats: () => ({ batches, events, failed }),
  };
}
