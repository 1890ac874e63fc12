import { describe, expect, it } from 'vitest';
import { createDryRunSender, DRY_RUN_REF } from '../../src/dispatch/dry-run-sender.js';
import { logOutcome } from '../../src/dispatch/log-outcome.js';
import type { Job } from '../../src/store/job-queue.js';
import { captureLog } from './dispatch-fakes.js';

const job: Job = {
  id: 'e:r:0', planKey: 'e:r:0', eventId: 'e', rule: 'r', actionIndex: 0, destination: 'vip-alerts', kind: 'slack',
  request: { channel: 'C1', text: 'hi' }, status: 'running', attempts: 1, nextAt: 0, createdAt: 0, updatedAt: 0,
  lastError: null, ref: null, refChannel: null, replayOf: null,
};

describe('createDryRunSender', () => {
  it('reports success without sending anything', async () => {
    const ctx = { jobId: 'e:r:0', eventId: 'e', idempotencyKey: 'e:r:0', signal: new AbortController().signal };
    expect(await createDryRunSender().send({ channel: 'C1', text: 'hi' }, ctx)).toEqual({ status: 'ok', ref: DRY_RUN_REF });
  });

  it('gets one log line saying exactly what it would have sent', () => {
    const { log, lines } = captureLog();
    logOutcome(log, 'vip-alerts', job, 'ok', { id: job.id, to: 'done', ref: DRY_RUN_REF });
    expect(lines).toEqual([expect.objectContaining({
      level: 30, msg: 'dry run: would send', eventId: 'e', jobId: 'e:r:0', destination: 'vip-alerts', kind: 'slack',
      outcome: 'ok', result: 'done', ref: 'dry-run', request: { channel: 'C1', text: 'hi' },
    })]);
  });

  it('a live delivery logs its ref, not the request', () => {
    const { log, lines } = captureLog();
    logOutcome(log, 'vip-alerts', job, 'ok', { id: job.id, to: 'done', ref: '1700000000.000100' });
    expect(lines).toEqual([expect.objectContaining({ msg: 'action delivered', ref: '1700000000.000100' })]);
    expect(lines[0]).not.toHaveProperty('request');
  });
});
