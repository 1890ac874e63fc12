import type { Outcome } from '../actions/action.js';
import type { Logger } from '../log.js';
import type { Job, JobUpdate } from '../store/job-queue.js';
import { DRY_RUN_REF } from './dry-run-sender.js';

/** The message of each job result: one stable line per settled attempt, for grep and alerts. */
const MESSAGE: Readonly<Record<JobUpdate['to'], string>> = {
  done: 'action delivered',
  retry: 'will retry',
  dead: 'dead letter',
  ambiguous: 'ambiguous outcome',
};

/**
 * Logs one settled attempt: the event and job it belongs to, what the sender said (`outcome`) and
 * what became of the job (`result`), with the vendor's ref or the reason. Dead letters and
 * ambiguous outcomes are warnings (someone may have to act); the rest is info.
 */
export function logOutcome(log: Logger, destination: string, job: Job, outcome: Outcome['status'], update: JobUpdate): void {
  const fields = {
    eventId: job.eventId, jobId: job.id, rule: job.rule, destination, kind: job.kind, outcome, result: update.to, attempts: job.attempts,
    ...(update.to === 'done' ? update.ref !== undefined && { ref: update.ref } : { reason: update.reason }),
    ...(update.to === 'retry' && { retryAt: new Date(update.at).toISOString() }),
  };
  if (update.to === 'dead' || update.to === 'ambiguous') log.warn(fields, MESSAGE[update.to]);
  // A dry-run destination's one line says exactly what it would have sent (see dry-run-sender.ts).
  else if (update.to === 'done' && update.ref === DRY_RUN_REF) log.info({ ...fields, request: job.request }, 'dry run: would send');
  else log.info(fields, MESSAGE[update.to]);
}
