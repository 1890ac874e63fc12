import { describe, expect, it } from 'vitest';
import { createDryRunSender } from '../../src/dispatch/dry-run-sender.js';
import { captureLog } from './dispatch-fakes.js';

describe('createDryRunSender', () => {
  it('logs exactly what it would send and reports success', async () => {
    const { log, lines } = captureLog();
    const sender = createDryRunSender('vip-alerts', log, 'slack');
    const ctx = { jobId: 'e:r:0', eventId: 'e', idempotencyKey: 'e:r:0', signal: new AbortController().signal };
    expect(await sender.send({ channel: 'C1', text: 'hi' }, ctx)).toEqual({ status: 'ok', ref: 'dry-run' });
    expect(lines).toEqual([expect.objectContaining({
      level: 30, msg: 'dry run: would send', destination: 'vip-alerts', kind: 'slack', jobId: 'e:r:0',
      request: { channel: 'C1', text: 'hi' },
    })]);
  });
});
