import { replayAsWas, replayTargets, replayWithRulesNow } from '../planner/replay-jobs.js';
import type { RequeueResult } from '../store/delivery-queries.js';
import type { ConsoleRules, ConsoleStore } from './console-deps.js';

/** What a console replay asks for: the ids of `bridge replay` (job or event ids), or every dead letter. */
export interface ReplayRequest {
  readonly ids: readonly string[];
  readonly dead?: boolean;
  /** Plan the stored events again with the rules in force now (default: replay the requests as they were planned). */
  readonly rulesNow?: boolean;
}

/** What a replay did (`POST /console/api/replay`, the replay page). */
export interface ReplayOutcome extends RequeueResult {
  readonly rulesNow: boolean;
  /** Ids that name no job and no event. */
  readonly unknown: readonly string[];
  /** Events that are gone or no longer valid, so cannot be planned again. */
  readonly unplannable: readonly string[];
}

/** Runs a replay as `bridge replay` does (planner/replay-jobs.ts), against the bridge's own store and rules. */
export async function consoleReplay(store: ConsoleStore, rules: () => ConsoleRules, req: ReplayRequest, now: number): Promise<ReplayOutcome> {
  const rulesNow = req.rulesNow === true;
  const targets = await replayTargets(store.deliveries, req.ids, { dead: req.dead === true, rulesNow });
  if (targets.jobs.length === 0 && targets.replanned.length === 0) return { rulesNow, requeued: [], skipped: [], unknown: targets.unknown, unplannable: [] };
  if (!rulesNow) return { rulesNow, ...(await replayAsWas(store.deliveries, targets, now)), unknown: targets.unknown, unplannable: [] };
  const { result, unplannable } = await replayWithRulesNow(store, rules().rules, targets, req.ids, now);
  return { rulesNow, ...result, unknown: targets.unknown, unplannable };
}
