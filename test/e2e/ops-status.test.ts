import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDiscord } from '../fakes/fake-discord.js';
import { startFakeHubspot } from '../fakes/fake-hubspot.js';
import { startFakeSlack } from '../fakes/fake-slack.js';
import { visitBy } from '../observe/sample-events.js';
import { waitUntil } from '../observe/wait-until.js';
import { BUNDLED_RULES, SLACK_BOT_TOKEN, startOpsBridge, type OpsBridge } from '../observe/start-ops-bridge.js';

/** Issue 5, /status and /readyz through the real bridge. */

let t: OpsBridge | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const json = async (b: OpsBridge, path: string): Promise<{ status: number; body: any }> => {
  const res = await b.get(path);
  return { status: res.status, body: JSON.parse(res.text) };
};

describe('/status', () => {
  it('shows the rules version and load time, the last reload, the queue and each destination live or dry', async () => {
    // No HubSpot token: that destination runs dry.
    t = await startOpsBridge({ env: { HUBSPOT_ACCESS_TOKEN: undefined } });
    const b = t;
    const version = b.bridge.holder.current().version;
    expect(version).toMatch(/^[0-9a-f]{12}$/);
    const posted = await b.post(visitBy('janedoe@example.com', '2025-09-20T10:00:00.000Z'));
    expect(posted.status).toBe(202);
    await b.slack.waitFor(() => b.slack.messages.length === 1);
    await b.bridge.idle();
    // The dry HubSpot upsert waits for a batch as a live one would (batchWaitMs), which idle() does not wait out.
    await waitUntil(async () => (await b.bridge.store.deliveries.counts()).done === 2, 'both jobs done');
    await b.bridge.credentialsChecked();

    const { status, body } = await json(b, '/status');
    expect(status).toBe(200);
    expect(body).toEqual({
      rules: { version, loadedAt: expect.stringMatching(ISO), lastReload: null, reloads: 0, failures: 0 },
      queue: { pending: 0, running: 0, done: 2, dead: 0, ambiguous: 0 },
      destinations: [
        { name: 'vip-alerts', kind: 'slack', mode: 'live', credentials: { state: 'ok', as: 'bridge (U0FAKE) in workspace Fake', checkedAt: expect.stringMatching(ISO) } },
        {
          name: 'community-joins',
          kind: 'discord',
          mode: 'live',
          credentials: { state: 'ok', as: 'webhook "Fake hook" in channel 111111111111111111', checkedAt: expect.stringMatching(ISO) },
        },
        // A dry destination has no credentials to check.
        { name: 'crm', kind: 'hubspot', mode: 'dry run' },
      ],
      planner: { batches: 1, events: 1, failed: 0 },
      dispatcher: { inFlight: 0, breakers: { 'vip-alerts': 'closed', 'community-joins': 'closed', crm: 'closed' } },
    });
    // The dry-run destination logged what it would send, and nothing reached HubSpot.
    expect(b.log.withMsg('dry run: would send').map((l) => [l.destination, l.eventId])).toEqual([['crm', (posted.json as { id: string }).id]]);
    expect(b.hubspot.calls).toEqual([]);
  });

  it('logs one line per live destination with who it is authenticated as, or the vendor refusal; a reload checks again', async () => {
    // The fake Slack takes only the right token; the bridge was given a revoked one.
    const [slack, discord, hubspot] = await Promise.all([startFakeSlack({ token: SLACK_BOT_TOKEN }), startFakeDiscord(), startFakeHubspot()]);
    t = await startOpsBridge({ fakes: { slack, discord, hubspot }, env: { SLACK_BOT_TOKEN: 'xoxb-revoked-token' } });
    const b = t;
    await b.bridge.credentialsChecked();
    const lines = () => b.log.lines().filter((l) => String(l.msg).startsWith('destination ')).map((l) => [l.level, l.msg]);
    const startUp = [
      [40, 'destination vip-alerts: credentials refused: slack auth.test: invalid_auth'],
      [30, 'destination community-joins: authenticated as webhook "Fake hook" in channel 111111111111111111'],
      [30, 'destination crm: authenticated as a private app token that can read contacts'],
    ];
    expect(lines()).toEqual(startUp);
    expect((await json(b, '/status')).body.destinations[0]).toEqual({
      name: 'vip-alerts', kind: 'slack', mode: 'live', credentials: { state: 'refused', error: 'slack auth.test: invalid_auth', checkedAt: expect.stringMatching(ISO) },
    });
    // Identity reads are set apart by the fakes: none of them is a delivery.
    expect([slack.asideCalls.map((c) => c.path), slack.calls, discord.calls, hubspot.calls]).toEqual([['/api/auth.test'], [], [], []]);
    expect(b.log.raw.join('\n')).not.toContain('xoxb-revoked-token');

    b.writeRules(`${readFileSync(BUNDLED_RULES, 'utf8')}\n# edited\n`);
    expect(await b.bridge.watcher.reload()).toBe(true);
    await b.bridge.credentialsChecked();
    expect(lines()).toEqual([...startUp, ...startUp]);
  });

  it('after a refused reload: the last error, and the rules in force unchanged', async () => {
    t = await startOpsBridge();
    const version = t.bridge.holder.current().version;
    t.writeRules(readFileSync(BUNDLED_RULES, 'utf8').replace('on: user.joined', 'on: user.jumped'));
    expect(await t.bridge.watcher.reload()).toBe(false);
    const { body } = await json(t, '/status');
    expect(body.rules).toEqual({
      version,
      loadedAt: expect.stringMatching(ISO),
      lastReload: { at: expect.stringMatching(ISO), ok: false, errors: [expect.stringMatching(new RegExp(`^${t.rulesFile}:\\d+:\\d+ rules\\[1\\]\\.on: `))] },
      reloads: 0,
      failures: 1,
    });
  });
});

describe('/readyz and /healthz', () => {
  it('is ready with rules loaded and the store writable; 503 once the store cannot take writes', async () => {
    t = await startOpsBridge();
    const version = t.bridge.holder.current().version;
    expect(await json(t, '/readyz')).toEqual({ status: 200, body: { status: 'ready', details: { rules: version, store: 'writable' } } });

    t.bridge.store.close();
    expect(await json(t, '/readyz')).toEqual({ status: 503, body: { status: 'not_ready', details: { rules: version, store: 'not writable' } } });
    // Alive all the same: /healthz says the process answers, not that it can take events.
    expect(await json(t, '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    // And an event it cannot record is refused with 503, so the sender retries later.
    expect((await t.post(visitBy('janedoe@example.com', '2025-09-21T10:00:00.000Z'))).status).toBe(503);
  });
});
