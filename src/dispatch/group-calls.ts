import type { Job } from '../store/job-queue.js';

/** One vendor call: a single `send`, or one `sendBatch` of jobs that share a batch key. */
export interface Call {
  readonly jobs: readonly Job[];
  readonly batch: boolean;
}

/**
 * Pure: splits claimed jobs into calls. Jobs with the same batch key go out together, up to
 * `maxBatch` per call (1,000 HubSpot upserts due together ≈ 10 calls); jobs without one go alone.
 * Calls keep the order of their first job, so the oldest work goes first.
 */
export function groupCalls(jobs: readonly Job[], batchKeyOf: (job: Job) => string | undefined, maxBatch: number): Call[] {
  const calls: { jobs: Job[]; batch: boolean }[] = [];
  const open = new Map<string, { jobs: Job[]; batch: boolean }>();
  for (const job of jobs) {
    const key = maxBatch > 1 ? batchKeyOf(job) : undefined;
    if (key === undefined) {
      calls.push({ jobs: [job], batch: false });
      continue;
    }
    let call = open.get(key);
    if (call === undefined || call.jobs.length >= maxBatch) {
      call = { jobs: [], batch: true };
      open.set(key, call);
      calls.push(call);
    }
    call.jobs.push(job);
  }
  return calls;
}
