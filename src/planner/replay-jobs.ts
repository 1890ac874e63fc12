import { parseEvent } from '../events/parse-event.js';
import { stateId } from '../rules/state-types.js';
import type { DeliveryQueries, RequeueResult } from '../store/delivery-queries.js';
import type { Job } from '../store/job-queue.js';
import type { PlannerStore } from '../store/planner-store.js';
import type { NewJob } from '../store/store.js';
import { jobsOf } from './jobs-of.js';
import type { PlanningRules } from './planning-rules.js';

/** What a replay request names: jobs (by job id, every job of an event id, or every dead letter). */
export interface ReplayTargets {
  readonly jobs: readonly Job[];
  /** Event ids with no job, to be planned again (only with the rules as they are now). */
  readonly replanned: readonly string[];
  /** Ids that name no job and no event. */
  readonly unknown: readonly string[];
}

/**
 * Resolves the ids of `bridge replay` and the console's replay: a job id is that job, an event id
 * every job of that event, `dead` every dead letter. With `rulesNow`, an event id with no job (its
 * rule missed, or a cooldown suppressed it) is planned again: that is how an operator sends what
 * the rules held back.
 */
export async function replayTargets(q: DeliveryQueries, ids: readonly string[], opts: { readonly dead?: boolean; readonly rulesNow?: boolean } = {}): Promise<ReplayTargets> {
  const jobs: Job[] = [];
  const replanned: string[] = [];
  const unknown: string[] = [];
  for (const id of ids) {
    const job = await q.getJob(id);
    const found = job ? [job] : await q.jobsForEvent(id);
    if (found.length === 0 && opts.rulesNow === true && (await q.getEvent(id)) !== undefined) replanned.push(id);
    else if (found.length === 0) unknown.push(id);
    jobs.push(...found);
  }
  if (opts.dead === true) jobs.push(...(await q.listDead({ limit: 10_000 })));
  return { jobs, replanned, unknown };
}

/** Rules as they were: each job runs again with the request it was planned with. */
export function replayAsWas(q: DeliveryQueries, targets: ReplayTargets, now: number): Promise<RequeueResult> {
  return q.requeue(targets.jobs.map((j) => j.id), now);
}

/**
 * Rules as they are now: the stored events are planned again with `rules` and the memory as it is
 * now, read-only (a replay neither counts the event again nor touches cooldowns). Only the
 * asked-for actions are enqueued (a rule removed since plans nothing), or every action of an
 * event asked for by its id. `unplannable` lists events that are gone or no longer valid.
 */
export async function replayWithRulesNow(
  store: { readonly deliveries: DeliveryQueries; readonly planner: Pick<PlannerStore, 'readState'> },
  rules: PlanningRules,
  targets: ReplayTargets,
  eventIds: readonly string[],
  now: number,
): Promise<{ readonly result: RequeueResult; readonly unplannable: readonly string[] }> {
  const q = store.deliveries;
  const wanted = new Set(targets.jobs.map((j) => j.planKey));
  const jobs: NewJob[] = [];
  const unplannable: string[] = [];
  for (const eventId of new Set([...targets.jobs.map((j) => j.eventId), ...targets.replanned])) {
    const stored = await q.getEvent(eventId);
    const parsed = stored ? parseEvent(JSON.parse(stored.payload) as unknown, eventId) : undefined;
    if (!parsed?.ok) {
      unplannable.push(eventId);
      continue;
    }
    const state = new Map((await store.planner.readState(rules.stateKeys(parsed.event, now))).map((r) => [stateId(r.scope, r.key), r]));
    jobs.push(...jobsOf(parsed.event, rules.plan(parsed.event, { now, state, replay: true }).plan).filter((j) => wanted.has(j.id) || eventIds.includes(eventId)));
  }
  return { result: await q.enqueueReplay(jobs, now), unplannable };
}
