import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/store/job-queue.js';
import { replayPage } from '../../src/console/replay-page.js';

const job = (status: Job['status'], extra: Partial<Job> = {}): Job => ({
  id: 'e1:r:0#r1', planKey: 'e1:r:0', eventId: 'e1', rule: 'r', actionIndex: 0, destination: 'vip-alerts', kind: 'slack', request: {},
  status, attempts: 0, nextAt: 0, createdAt: 0, updatedAt: 0, lastError: null, ref: null, refChannel: null, replayOf: 'e1:r:0', ...extra,
});
const outcome = { rulesNow: false, requeued: [{ from: 'e1:r:0', to: 'e1:r:0#r1' }], skipped: [], unknown: [], unplannable: [] };

describe('replayPage', () => {
  it('reloads itself while a replayed job is pending or running, and stops once every one settled', () => {
    for (const status of ['pending', 'running'] as const) {
      const page = replayPage({ outcome, jobs: [job(status)] }).text;
      expect(page).toContain('<meta http-equiv="refresh" content="2">');
      expect(page).toContain('<span role="status">0 of 1 delivered so far; this page updates itself</span>');
    }
    const dead = replayPage({ outcome, jobs: [job('dead', { lastError: 'slack error: <b>x</b>' })] }).text;
    expect(dead).not.toContain('http-equiv');
    expect(dead).toContain('<span class="job-error">slack error: &lt;b&gt;x&lt;/b&gt;</span>');
  });

  it('says why each id was skipped', () => {
    const page = replayPage({ outcome: { ...outcome, requeued: [], skipped: [{ id: 'j1', reason: 'already replayed as j1#r1' }], unknown: ['nope'], unplannable: ['e9'] }, jobs: [] }).text;
    expect(page).toContain('0 queued, 3 skipped');
    expect(page).toContain('<li><code>j1</code>: already replayed as j1#r1</li>');
    expect(page).toContain('<li><code>nope</code>: no job or event with this id</li>');
    expect(page).toContain('<li>event <code>e9</code>: cannot be planned again (missing or no longer valid)</li>');
  });
});
