import type { Logger } from '../log.js';
import type { JobQueue } from '../store/job-queue.js';

/**
 * Jobs planned for a destination that is no longer in the rules would wait forever: they become
 * dead letters saying why (`bridge replay` runs them again once the destination is back).
 */
export async function deadLetterOrphans(queue: JobQueue, destinations: readonly string[], now: number, log: Logger): Promise<void> {
  const reason = (name: string): string => `destination "${name}" is not in the rules any more; \`bridge replay\` the job once it is back`;
  for (const { destination, jobs } of await queue.deadLetterOrphans(destinations, reason, now)) {
    log.warn({ destination, jobs }, 'jobs of a destination no longer in the rules are dead letters');
  }
}
