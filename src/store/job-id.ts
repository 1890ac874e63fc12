/**
 * Job ids are `${eventId}:${rule}:${actionIndex}` (the plan key), and `${planKey}#r${n}` for the
 * n-th replay. Rule names cannot contain ':' or '#' (rules-schema.ts), so the event id is what is
 * left of the last two ':' parts, whatever characters the event id itself holds. job-id.test.ts
 * holds the planner and the schema to that.
 */
const JOB_ID = /^(.+):[A-Za-z0-9][A-Za-z0-9_.-]*:\d+(?:#r\d+)?$/s;

/** The event a job id belongs to, or undefined if `jobId` is not a job id. */
export function eventIdOfJob(jobId: string): string | undefined {
  return JOB_ID.exec(jobId)?.[1];
}
