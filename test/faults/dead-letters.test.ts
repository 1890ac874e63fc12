import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '../../src/store/job-queue.js';
import { runCli } from '../cli/run-cli.js';
import { discordReplies } from '../fakes/fake-discord.js';
import { slackReplies } from '../fakes/fake-slack.js';
import { startFaultBridge, type FaultBridge } from './fault-bridge.js';

/**
 * Jobs that cannot be delivered become dead letters with their last error (out of attempts, too
 * old, or a permanent error), and the operator commands `bridge dead` and `bridge replay` work on
 * them, in-process through `main()`, against the same DATA_DIR: while the bridge runs (it picks the
 * replays up within its poll interval) and after it has stopped (the next start runs them).
 */

let fb: FaultBridge | undefined;
afterEach(async () => {
  await fb?.close();
  fb = undefined;
});

const NO_BREAKER = { threshold: 1000, openMs: 1000 };

describe('dead letters', () => {
  it('a transient failure that never ends: dead after maxAttempts, with the last error', async () => {
    fb = await startFaultBridge({ policy: { maxAttempts: 3, breaker: NO_BREAKER } });
    fb.discord.failNext(100, discordReplies.http(502));
    const id = await fb.send('webhook', 1);
    expect(await fb.settled(id)).toMatchObject({ status: 'dead', attempts: 3, lastError: 'out of attempts (3): discord http 502' });
    await fb.idle();
    expect(fb.discord.calls).toHaveLength(3);
  });

  it('a transient failure that outlives maxAgeMs: dead as too old', async () => {
    fb = await startFaultBridge({ policy: { maxAttempts: 1000, maxAgeMs: 150, breaker: NO_BREAKER } });
    fb.discord.failNext(1000, discordReplies.http(503));
    const id = await fb.send('webhook', 1);
    const job = await fb.settled(id);
    expect({ status: job.status, lastError: job.lastError }).toEqual({ status: 'dead', lastError: 'too old (over 150ms): discord http 503' });
    expect(job.updatedAt - job.createdAt).toBeGreaterThanOrEqual(150);
    expect(job.attempts).toBe(fb.discord.calls.length);
  });
});

describe('bridge dead and bridge replay', () => {
  const line = (j: Job) => `${j.id}  → ${j.destination} (${j.kind}), ${j.attempts} attempt${j.attempts === 1 ? '' : 's'}  ${j.lastError}`;

  it('lists dead letters with their last error, and `replay --dead` runs them again on the running bridge', async () => {
    fb = await startFaultBridge({ policy: { maxAttempts: 2, breaker: NO_BREAKER } });
    const f = fb;
    f.slack.failNext(1, slackReplies.error('channel_not_found'));
    f.discord.failNext(2, discordReplies.http(500));
    const slackId = await f.send('slack', 1);
    const webhookId = await f.send('webhook', 1);
    const dead = await Promise.all([f.settled(slackId), f.settled(webhookId)]);
    expect(dead.map((j) => [j.status, j.lastError])).toEqual([
      ['dead', 'slack error: channel_not_found'],
      ['dead', 'out of attempts (2): discord http 500'],
    ]);

    const listed = await runCli(['dead', '--data', f.dataDir]);
    expect(listed.code).toBe(0);
    expect(listed.stderr).toBe(`reading store ${resolve(f.dataDir, 'bridge.db')}\n`);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const j of dead) expect(lines.some((l) => l.endsWith(`  dead      ${line(j)}`))).toBe(true);
    const json = await runCli(['dead', '--json', '--data', f.dataDir]);
    expect((JSON.parse(json.stdout) as Job[]).map((j) => [j.id, j.status, j.attempts, j.lastError]).sort()).toEqual([
      [slackId, 'dead', 1, 'slack error: channel_not_found'],
      [webhookId, 'dead', 2, 'out of attempts (2): discord http 500'],
    ]);

    // The vendors work again; replay with the requests as they were planned (the default).
    const replay = await runCli(['replay', '--dead', '--data', f.dataDir]);
    expect(replay.code).toBe(0);
    expect(replay.stdout.split('\n').sort()).toEqual(['', '2 queued, 0 skipped', `queued ${slackId}#r1 (replays ${slackId})`, `queued ${webhookId}#r1 (replays ${webhookId})`]);
    const replays = await Promise.all([f.settled(`${slackId}#r1`), f.settled(`${webhookId}#r1`)]);
    expect(replays.map((j) => [j.status, j.attempts, j.replayOf])).toEqual([
      ['done', 1, slackId],
      ['done', 1, webhookId],
    ]);
    expect(f.slack.messages.map((m) => m.text)).toEqual(['visit slack-1']);
    expect(f.discord.messages.map((m) => m.body.content)).toEqual(['visit webhook-1']);
    // The originals keep their record; `bridge dead` lists only what has not been replayed.
    expect(await f.job(slackId)).toMatchObject({ status: 'dead', lastError: 'slack error: channel_not_found' });
    expect(await runCli(['dead', '--data', f.dataDir])).toEqual({ code: 0, stdout: 'no dead letters\n', stderr: `reading store ${resolve(f.dataDir, 'bridge.db')}\n` });
  });

  it('replays an ambiguous job by id while the bridge is stopped; the next start sends it', async () => {
    fb = await startFaultBridge({ env: { ACTION_TIMEOUT_MS: '1000' } });
    const f = fb;
    f.slack.failNext(1, { hang: true });
    const id = await f.send('slack', 1);
    expect(await f.settled(id)).toMatchObject({ status: 'ambiguous', attempts: 1, lastError: 'slack request timed out after sending' });
    await f.stop();

    const listed = await runCli(['deliveries', '--status', 'ambiguous', '--data', f.dataDir]);
    expect(listed.stdout).toContain(`  ambiguous ${id}  → slack (slack), 1 attempt  slack request timed out after sending\n`);
    expect(await runCli(['replay', id, '--data', f.dataDir])).toEqual({ code: 0, stdout: `queued ${id}#r1 (replays ${id})\n1 queued, 0 skipped\n`, stderr: `reading store ${resolve(f.dataDir, 'bridge.db')}\n` });

    await f.restart();
    const replayed = await f.settled(`${id}#r1`, 3000);
    expect(replayed).toMatchObject({ status: 'done', attempts: 1, ref: f.slack.messages[0]?.ts });
    expect(f.slack.messages.map((m) => m.text)).toEqual(['visit slack-1']);
  });
});
