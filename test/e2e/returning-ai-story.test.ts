import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { startFakeReturningAi, type FakeReturningAi } from '../fakes/fake-returning-ai.js';
import { startTestBridge, type TestBridge } from './start-test-bridge.js';

/**
 * The Returning.AI story of examples/returning-ai.yaml, end to end: a visit into the bridge, out
 * as a message in a Returning.AI channel through the real sender to a fake Integration API.
 */

const RULES = 'examples/returning-ai.yaml';
const COMMUNITY = '66f000000000000000000001';
const STAFF = '66f000000000000000000002';
const docsVisit = (): Record<string, any> => JSON.parse(readFileSync(new URL('../fixtures/events/visit.json', import.meta.url), 'utf8'));

let rai: FakeReturningAi;
let t: TestBridge;
beforeAll(async () => {
  rai = await startFakeReturningAi({
    token: 'rai-e2e',
    channels: [
      { _id: COMMUNITY, topic: 'general', channelType: 'text' },
      { _id: STAFF, topic: 'staff', channelType: 'text' },
    ],
  });
  t = await startTestBridge({ rulesFile: RULES, env: { RETURNING_AI_TOKEN: 'rai-e2e', RETURNING_AI_API_URL: rai.url } });
});
afterAll(async () => {
  await t?.close();
  await rai?.close();
});

describe('story: a returning VIP is welcomed back inside Returning.AI', () => {
  it("posts the welcome into the community channel for the docs' sample visitor", async () => {
    expect((await t.post(docsVisit())).status).toBe(202);
    await rai.waitFor(() => rai.messages.length === 1, 5000);
    expect(rai.messages).toEqual([{ channelId: COMMUNITY, sender: 'community-bot', message: "Welcome back, Jane Doe! Glad to see you in John's community." }]);
    expect(rai.sendCalls()[0]?.headers.authorization).toBe('Bearer rai-e2e');
  });

  it('a hostile display name arrives unable to ping or link', async () => {
    const v = docsVisit();
    v.user.name = '@everyone [prize](https://evil.example) <a href="https://evil.example">x</a>';
    v.date = '2025-09-03T10:00:00.000Z';
    expect((await t.post(v)).status).toBe(202);
    await rai.waitFor(() => rai.messages.length === 2, 5000);
    expect(rai.messages[1]?.message).toBe(
      "Welcome back, @\u200beveryone [prize]\u200b(https://evil.example) ＜a href=\"https://evil.example\"＞x＜/a＞! Glad to see you in John's community.",
    );
  });

  it('a join goes to the staff channel; a regular visit posts nothing', async () => {
    const join = docsVisit();
    join.user.email = 'new@example.org';
    join.event = { name: 'User Joins Server', description: 'Triggers when a user joins the server' };
    const regular = docsVisit();
    regular.user.email = 'regular@example.org';
    regular.date = '2025-09-04T10:00:00.000Z';
    expect((await t.post(regular)).status).toBe(202);
    expect((await t.post(join)).status).toBe(202);
    await rai.waitFor(() => rai.messages.length === 3, 5000);
    await t.bridge.dispatcher.idle();
    expect(rai.messages.slice(2)).toEqual([{ channelId: STAFF, sender: 'community-bot', message: 'New member: Jane Doe (janedoe)' }]);
  });
});

describe('the example file from the CLI', () => {
  it('bridge check accepts it and says the destination runs dry without a token', async () => {
    const r = await runCli(['check', '--rules', RULES]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^examples\/returning-ai\.yaml: ok, version [0-9a-f]{12}, 2 rules, destinations: community \(returning-ai, dry run\)\n$/);
    expect(r.stderr).toBe('warning: destination "community": RETURNING_AI_TOKEN is not set; it will run dry (log what it would send)\n');
  });

  it('bridge test shows the exact request body', async () => {
    const r = await runCli(['test', '--event', 'test/fixtures/events/visit.json', '--rules', RULES, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.matches).toEqual([
      expect.objectContaining({
        rule: 'vip-welcome-back',
        actions: [expect.objectContaining({ destination: 'community', kind: 'returning-ai', request: { channelId: COMMUNITY, message: "Welcome back, Jane Doe! Glad to see you in John's community.", sender: 'community-bot' } })],
      }),
    ]);
  });
});
