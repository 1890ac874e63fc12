import { parseArgs } from 'node:util';
import { activeRules } from '../bridge/active-rules.js';
import { replayAsWas, replayTargets, replayWithRulesNow } from '../planner/replay-jobs.js';
import { loadRulesFile } from '../config/load-rules.js';
import { JOB_STATUSES, type Job, type JobStatus } from '../store/job-queue.js';
import type { RequeueResult } from '../store/delivery-queries.js';
import type { CliIo } from './cli-io.js';
import { UsageError } from './cli-io.js';
import { openStoreForCli } from './open-store-for-cli.js';

export const DELIVERIES_USAGE = `usage: bridge deliveries [--status ${JOB_STATUSES.join('|')}] [--limit N] [--json] [--data DIR]`;
export const DEAD_USAGE = 'usage: bridge dead [--limit N] [--json] [--data DIR]';
export const REPLAY_USAGE = 'usage: bridge replay <job id | event id>... [--rules-now] [--data DIR]\n       bridge replay --dead [--rules-now] [--data DIR]\n  Default: jobs run again with the request they were planned with (rules as they were).\n  --rules-now: the stored events are planned again with the rules as they are now and the memory\n  as it is now, counting nothing again and neither checking nor starting cooldowns; an event id\n  with no job (a miss, or suppressed by a cooldown) is planned again too.';

const iso = (ms: number): string => new Date(ms).toISOString();

function jobLine(j: Job): string {
  const tail = j.status === 'done' ? (j.ref ? `ref ${j.ref}` : '') : (j.lastError ?? '');
  return `  ${j.status.padEnd(9)} ${j.id}  → ${j.destination} (${j.kind}), ${j.attempts} attempt${j.attempts === 1 ? '' : 's'}${j.status === 'pending' ? `, due ${iso(j.nextAt)}` : ''}${tail ? `  ${tail}` : ''}`;
}

function limitOf(v: string | undefined): number {
  if (v === undefined) return 50;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--limit must be a positive whole number, got "${v}"`);
  return n;
}

/** `bridge deliveries`: recent events and their jobs. */
export async function runDeliveries(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { status: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, data: { type: 'string' } }, strict: true });
  if (values.status !== undefined && !(JOB_STATUSES as readonly string[]).includes(values.status)) throw new UsageError(`--status must be one of ${JOB_STATUSES.join(', ')}`);
  const limit = limitOf(values.limit);
  const store = openStoreForCli(io, values.data);
  if (!store) return 1;
  try {
    const events = store.deliveries.listEvents({ ...(values.status !== undefined && { status: values.status as JobStatus }), limit });
    if (values.json) {
      io.stdout(`${JSON.stringify(events, null, 2)}\n`);
      return 0;
    }
    if (events.length === 0) io.stdout('no events\n');
    for (const e of events) {
      io.stdout(`${iso(e.receivedAt)}  ${e.type}  ${e.id}  (${e.jobs.length} job${e.jobs.length === 1 ? '' : 's'}, rules ${e.rulesVersion})\n`);
      io.stdout(`  ${e.decision === null ? 'not planned yet' : e.decision.summary}\n`);
      for (const j of e.jobs) io.stdout(`${jobLine(j)}\n`);
    }
    return 0;
  } finally {
    store.close();
  }
}

/** `bridge dead`: dead letters with their last error. */
export async function runDead(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { limit: { type: 'string' }, json: { type: 'boolean' }, data: { type: 'string' } }, strict: true });
  const limit = limitOf(values.limit);
  const store = openStoreForCli(io, values.data);
  if (!store) return 1;
  try {
    const dead = store.deliveries.listDead({ limit });
    if (values.json) io.stdout(`${JSON.stringify(dead, null, 2)}\n`);
    else if (dead.length === 0) io.stdout('no dead letters\n');
    else for (const j of dead) io.stdout(`${iso(j.updatedAt)}${jobLine(j)}\n`);
    return 0;
  } finally {
    store.close();
  }
}

function printRequeue(r: RequeueResult, io: CliIo): number {
  for (const q of r.requeued) io.stdout(`queued ${q.to}${q.from ? ` (replays ${q.from})` : ''}\n`);
  for (const s of r.skipped) io.stderr(`skipped ${s.id}: ${s.reason}\n`);
  io.stdout(`${r.requeued.length} queued, ${r.skipped.length} skipped\n`);
  return r.requeued.length > 0 || r.skipped.length === 0 ? 0 : 1;
}

/**
 * `bridge replay`: runs jobs again. By default with the request they were planned with (what the
 * rules said when the event arrived); with --rules-now, the stored events are planned again with
 * today's rules. A running bridge picks the new jobs up within its poll interval.
 */
export async function runReplay(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { dead: { type: 'boolean' }, 'rules-now': { type: 'boolean' }, rules: { type: 'string' }, data: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if ((values.dead === true) === positionals.length > 0) throw new UsageError('give job or event ids, or --dead');
  const store = openStoreForCli(io, values.data);
  if (!store) return 1;
  const now = Date.now();
  try {
    const rulesNow = values['rules-now'] === true;
    const targets = replayTargets(store.deliveries, positionals, { dead: values.dead === true, rulesNow });
    for (const id of targets.unknown) io.stderr(`no job or event with id "${id}"\n`);
    if (targets.jobs.length === 0 && targets.replanned.length === 0) {
      io.stdout('nothing to replay\n');
      return targets.unknown.length > 0 ? 1 : 0;
    }
    if (!rulesNow) return printRequeue(replayAsWas(store.deliveries, targets, now), io);

    const loaded = await loadRulesFile(values.rules ?? io.env.RULES_FILE ?? './rules.yaml', io.env);
    if (!loaded.ok) {
      for (const e of loaded.errors) io.stderr(`${e}\n`);
      return 1;
    }
    const { result, unplannable } = await replayWithRulesNow(store, activeRules(loaded.rules), targets, positionals, now);
    for (const eventId of unplannable) io.stderr(`event ${eventId}: cannot be planned again (missing or no longer valid)\n`);
    return printRequeue(result, io);
  } finally {
    store.close();
  }
}
