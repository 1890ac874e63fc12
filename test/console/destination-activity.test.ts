import { describe, expect, it } from 'vitest';
import { destinationActivity } from '../../src/console/destination-activity.js';
import type { EventSummary } from '../../src/store/delivery-queries.js';
import type { Job, JobStatus } from '../../src/store/job-queue.js';

const NOW = Date.UTC(2026, 11, 2, 12);
const H = 3_600_000;

function job(destination: string, status: JobStatus, finishedHoursAgo: number): Job {
  const at = NOW - finishedHoursAgo * H;
  return { id: `j-${destination}-${status}-${finishedHoursAgo}`, planKey: 'p', eventId: 'e', rule: 'r', actionIndex: 0, destination, kind: 'slack', request: {}, status, attempts: 1, nextAt: at, createdAt: at, updatedAt: at, lastError: null, ref: null, refChannel: null, replayOf: null };
}
const event = (jobs: Job[]): EventSummary => ({ id: 'e', type: 'user.visited', name: 'n', rulesVersion: 'v', receivedAt: NOW - 24 * H, decision: null, jobs });

describe('destinationActivity: per destination, jobs sent and failed per hour', () => {
  it.each([
    ['a delivered job, in the hour it finished', [job('alerts', 'done', 0.5)], { sent: 23, failed: undefined }],
    ['dead and ambiguous count as failed', [job('alerts', 'dead', 2.5), job('alerts', 'ambiguous', 2.5)], { sent: undefined, failed: 21 }],
    ['pending and running count as neither', [job('alerts', 'pending', 1), job('alerts', 'running', 1)], { sent: undefined, failed: undefined }],
    ['older than 24 h is left out', [job('alerts', 'done', 25)], { sent: undefined, failed: undefined }],
  ])('%s', (_name, jobs, at) => {
    const a = destinationActivity([event(jobs)], ['alerts'], NOW).get('alerts');
    const hourOf = (xs: readonly number[] | undefined) => (xs ?? []).flatMap((v, i) => (v > 0 ? [i] : []));
    expect({ sent: hourOf(a?.sent), failed: hourOf(a?.failed) }).toEqual({ sent: at.sent === undefined ? [] : [at.sent], failed: at.failed === undefined ? [] : [at.failed] });
    expect([a?.sent.length, a?.failed.length]).toEqual([24, 24]);
  });

  it('has a row of zeros for a destination with no jobs, and counts each destination apart', () => {
    const a = destinationActivity([event([job('alerts', 'done', 1), job('crm', 'done', 1), job('crm', 'dead', 1)])], ['alerts', 'crm', 'quiet'], NOW);
    expect([...a].map(([d, v]) => [d, v.sent.reduce((x, y) => x + y), v.failed.reduce((x, y) => x + y)])).toEqual([['alerts', 1, 0], ['crm', 1, 1], ['quiet', 0, 0]]);
  });
});
