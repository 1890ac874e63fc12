import { describe, expect, it } from 'vitest';
import { groupCalls } from '../../src/dispatch/group-calls.js';
import type { Job } from '../../src/store/job-queue.js';

function job(id: string, key?: string): Job {
  return {
    id, planKey: id, eventId: 'e', rule: 'r', actionIndex: 0, destination: 'd', kind: 'k', request: key ?? null,
    status: 'running', attempts: 1, nextAt: 0, createdAt: 0, updatedAt: 0, lastError: null, ref: null, refChannel: null, replayOf: null,
  };
}

const keyOf = (j: Job): string | undefined => (typeof j.request === 'string' ? j.request : undefined);
const shape = (calls: ReturnType<typeof groupCalls>) => calls.map((c) => `${c.batch ? 'B' : 'S'}:${c.jobs.map((j) => j.id).join(',')}`);

describe('groupCalls', () => {
  it('groups by batch key up to maxBatch, keeping first-job order, and sends keyless jobs alone', () => {
    const jobs = [job('1', 'x'), job('2'), job('3', 'y'), job('4', 'x'), job('5', 'x'), job('6', 'y')];
    expect(shape(groupCalls(jobs, keyOf, 2))).toEqual(['B:1,4', 'S:2', 'B:3,6', 'B:5']);
  });

  it('sends every job alone when the sender takes no batches', () => {
    expect(shape(groupCalls([job('1', 'x'), job('2', 'x')], keyOf, 1))).toEqual(['S:1', 'S:2']);
  });
});
