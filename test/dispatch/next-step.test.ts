import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/actions/action.js';
import { resolvePolicy } from '../../src/dispatch/dispatch-policy.js';
import { formatDuration, nextStep } from '../../src/dispatch/next-step.js';
import type { Job } from '../../src/store/job-queue.js';

const now = 10_000_000;

function job(attempts: number, ageMs = 0): Job {
  return {
    id: 'e:r:0', planKey: 'e:r:0', eventId: 'e', rule: 'r', actionIndex: 0, destination: 'd', kind: 'k', request: {},
    status: 'running', attempts, nextAt: now, createdAt: now - ageMs, updatedAt: now, lastError: null, ref: null, refChannel: null, replayOf: null,
  };
}

const ctx = { now, policy: resolvePolicy({ maxAttempts: 5, maxAgeMs: 3_600_000 }), random: () => 0.5, retryAmbiguous: false };

describe('nextStep', () => {
  it.each<[string, Job, Outcome, boolean, unknown]>([
    ['ok', job(1), { status: 'ok', ref: 'ts' }, false, { id: 'e:r:0', to: 'done', ref: 'ts' }],
    ['ok without ref', job(1), { status: 'ok' }, false, { id: 'e:r:0', to: 'done' }],
    ['ok with the channel Slack answered', job(1), { status: 'ok', ref: 'ts', detail: { channel: 'C0VIP' } }, false, { id: 'e:r:0', to: 'done', ref: 'ts', channel: 'C0VIP' }],
    ['ok with the channel_id Discord answered', job(1), { status: 'ok', ref: '123', detail: { channel_id: '111' } }, false, { id: 'e:r:0', to: 'done', ref: '123', channel: '111' }],
    ['permanent', job(1), { status: 'fail', reason: 'channel_not_found' }, false, { id: 'e:r:0', to: 'dead', reason: 'channel_not_found' }],
    ['retry', job(2), { status: 'retry', reason: 'HTTP 500' }, false, { id: 'e:r:0', to: 'retry', at: now + 1000, reason: 'HTTP 500' }],
    ['retry after', job(1), { status: 'retry', reason: '429', retryAfterMs: 9000 }, false, { id: 'e:r:0', to: 'retry', at: now + 9000, reason: '429' }],
    ['out of attempts', job(5), { status: 'retry', reason: 'HTTP 500' }, false, { id: 'e:r:0', to: 'dead', reason: 'out of attempts (5): HTTP 500' }],
    ['too old', job(1, 3_600_000), { status: 'retry', reason: 'HTTP 500' }, false, { id: 'e:r:0', to: 'dead', reason: 'too old (over 1h): HTTP 500' }],
    ['ambiguous, kept', job(1), { status: 'ambiguous', reason: 'timeout' }, false, { id: 'e:r:0', to: 'ambiguous', reason: 'timeout' }],
    ['ambiguous, retried', job(1), { status: 'ambiguous', reason: 'timeout' }, true, { id: 'e:r:0', to: 'retry', at: now + 500, reason: 'ambiguous: timeout' }],
    ['ambiguous, out of attempts', job(5), { status: 'ambiguous', reason: 'timeout' }, true, { id: 'e:r:0', to: 'dead', reason: 'out of attempts (5): ambiguous: timeout' }],
  ])('%s', (_name, j, outcome, retryAmbiguous, expected) => {
    expect(nextStep(j, outcome, { ...ctx, retryAmbiguous })).toEqual(expected);
  });
});

describe('nextStep with a scrubber', () => {
  const scrub = (t: string) => t.replaceAll('tok-secret-1', '[redacted]');
  it.each<[string, Job, Outcome, unknown]>([
    ['a permanent failure', job(1), { status: 'fail', reason: 'discord 401 (code 0: bad Bot tok-secret-1)' }, { id: 'e:r:0', to: 'dead', reason: 'discord 401 (code 0: bad Bot [redacted])' }],
    ['a retry', job(1), { status: 'retry', reason: 'proxy: tok-secret-1' }, { id: 'e:r:0', to: 'retry', at: now + 500, reason: 'proxy: [redacted]' }],
    ['out of attempts', job(5), { status: 'retry', reason: 'proxy: tok-secret-1' }, { id: 'e:r:0', to: 'dead', reason: 'out of attempts (5): proxy: [redacted]' }],
    ['an ambiguous outcome', job(1), { status: 'ambiguous', reason: 'reset after tok-secret-1' }, { id: 'e:r:0', to: 'ambiguous', reason: 'reset after [redacted]' }],
  ])('cuts credentials out of %s', (_name, j, outcome, expected) => {
    expect(nextStep(j, outcome, { ...ctx, scrub })).toEqual(expected);
  });
});

describe('formatDuration', () => {
  it.each([
    [86_400_000, '24h'],
    [90 * 60_000, '90m'],
    [30_000, '30s'],
    [1500, '1500ms'],
    [0, '0ms'],
  ])('%i → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
