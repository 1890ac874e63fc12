import type { EventSummary, RequeueResult } from '../store/delivery-queries.js';
import type { Job } from '../store/job-queue.js';
import type { CliIo } from './cli-io.js';

const iso = (ms: number): string => new Date(ms).toISOString();

function jobLine(j: Job): string {
  const tail = j.status === 'done' ? (j.ref ? `ref ${j.ref}` : '') : (j.lastError ?? '');
  return `  ${j.status.padEnd(9)} ${j.id}  → ${j.destination} (${j.kind}), ${j.attempts} attempt${j.attempts === 1 ? '' : 's'}${j.status === 'pending' ? `, due ${iso(j.nextAt)}` : ''}${tail ? `  ${tail}` : ''}`;
}

/** `bridge deliveries`' output, whether the events came from the data folder or a bridge's console API (`--url`). */
export function printDeliveries(events: readonly EventSummary[], json: boolean, io: CliIo): void {
  if (json) {
    io.stdout(`${JSON.stringify(events, null, 2)}\n`);
    return;
  }
  if (events.length === 0) io.stdout('no events\n');
  for (const e of events) {
    io.stdout(`${iso(e.receivedAt)}  ${e.type}  ${e.id}  (${e.jobs.length} job${e.jobs.length === 1 ? '' : 's'}, rules ${e.rulesVersion})\n`);
    io.stdout(`  ${e.decision === null ? 'not planned yet' : e.decision.summary}\n`);
    for (const j of e.jobs) io.stdout(`${jobLine(j)}\n`);
  }
}

/** `bridge dead`'s output, from either source. */
export function printDead(dead: readonly Job[], json: boolean, io: CliIo): void {
  if (json) io.stdout(`${JSON.stringify(dead, null, 2)}\n`);
  else if (dead.length === 0) io.stdout('no dead letters\n');
  else for (const j of dead) io.stdout(`${iso(j.updatedAt)}${jobLine(j)}\n`);
}

/** What a replay did, from either source; the exit code (1 when everything asked for was skipped). */
export function printRequeue(r: RequeueResult, io: CliIo): number {
  for (const q of r.requeued) io.stdout(`queued ${q.to}${q.from ? ` (replays ${q.from})` : ''}\n`);
  for (const s of r.skipped) io.stderr(`skipped ${s.id}: ${s.reason}\n`);
  io.stdout(`${r.requeued.length} queued, ${r.skipped.length} skipped\n`);
  return r.requeued.length > 0 || r.skipped.length === 0 ? 0 : 1;
}

/** Ids that name nothing, said before the replay's outcome. */
export function printUnknown(ids: readonly string[], io: CliIo): void {
  for (const id of ids) io.stderr(`no job or event with id "${id}"\n`);
}

/** Events a replay with the rules now could not plan again. */
export function printUnplannable(ids: readonly string[], io: CliIo): void {
  for (const eventId of ids) io.stderr(`event ${eventId}: cannot be planned again (missing or no longer valid)\n`);
}
