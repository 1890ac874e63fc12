import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { joinOf, visitBy } from '../observe/sample-events.js';
import { BUNDLED_RULES, startOpsBridge, type OpsBridge } from '../observe/start-ops-bridge.js';
import { waitUntil } from '../observe/wait-until.js';

/**
 * Issue 5, live reload end to end: rules.yaml edited under a running bridge (the real watcher, or
 * `watcher.reload()` as SIGHUP calls it), and the next event through HTTP shows which rules were in force.
 */

const BUNDLED = readFileSync(BUNDLED_RULES, 'utf8');
const OLD_TEXT = "VIP visit: Jane Doe (janedoe@example.com) is in John's community";
const NEW_TEXT = "VIP here: Jane Doe (janedoe@example.com) is in John's community";
const edited = BUNDLED.replace('VIP visit: {{ user.name }}', 'VIP here: {{ user.name }}');

let t: OpsBridge | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

let day = 0;
/**
 * A VIP visit that is a new event each time, by a VIP of their own (the bundled rule alerts once per
 * VIP in 12 hours); resolves with the Slack text it produced.
 */
async function vipAlertText(b: OpsBridge): Promise<{ text: string | undefined; eventId: string }> {
  const before = b.slack.messages.length;
  day += 1;
  const res = await b.post(visitBy('janedoe@example.com', `2025-10-${String(day).padStart(2, '0')}T10:00:00.000Z`, 'Jane Doe', `vip-${day}`));
  expect(res.status).toBe(202);
  await b.slack.waitFor(() => b.slack.messages.length === before + 1);
  return { text: b.slack.messages.at(-1)?.text, eventId: (res.json as { id: string }).id };
}

describe('rules reload through the running bridge', () => {
  it('a valid save (write and rename, as editors do) takes effect for the next event', async () => {
    t = await startOpsBridge({ watch: true });
    const b = t;
    expect((await vipAlertText(b)).text).toBe(OLD_TEXT);
    const first = b.bridge.holder.current().version;
    writeFileSync(`${b.rulesFile}.tmp`, edited);
    renameSync(`${b.rulesFile}.tmp`, b.rulesFile);
    await waitUntil(() => b.bridge.holder.status().reloads === 1, 'the watcher to reload');
    const { text, eventId } = await vipAlertText(b);
    expect(text).toBe(NEW_TEXT);
    const version = b.bridge.holder.current().version;
    expect(version).not.toBe(first);
    // The event was planned, and recorded, with exactly one version of the rules.
    expect((await b.bridge.store.deliveries.getEvent(eventId))?.rulesVersion).toBe(version);
    expect(b.log.withMsg('rules reloaded').map((l) => [l.version, l.previous])).toEqual([[version, first]]);
  });

  it('an invalid save is refused with the errors of `bridge check`, and the last good rules stay in force', async () => {
    t = await startOpsBridge();
    const broken = BUNDLED.replace('destination: vip-alerts', 'destination: vip-alertz');
    t.writeRules(broken);
    const first = t.bridge.holder.current().version;
    expect(await t.bridge.watcher.reload()).toBe(false);

    const expected = `${t.rulesFile}:51:24 rules[0].actions[0].slack.destination: undefined destination "vip-alertz"`;
    const check = await runCli(['check', '--rules', t.rulesFile]);
    expect(check.stderr.split('\n')[0]).toBe(expected);
    const status = await t.get('/status');
    const rules = (JSON.parse(status.text) as { rules: Record<string, unknown> }).rules;
    expect(rules).toMatchObject({ version: first, lastReload: { ok: false, errors: [expected] }, reloads: 0, failures: 1 });
    expect(t.log.withMsg('rules reload refused').map((l) => l.errors)).toEqual([[expected]]);

    expect(t.bridge.holder.current().version).toBe(first);
    expect((await vipAlertText(t)).text).toBe(OLD_TEXT);
  });

  it('a half-written file is refused and the complete one then applies (SIGHUP mid-save)', async () => {
    t = await startOpsBridge();
    const first = t.bridge.holder.current().version;
    const cut = edited.indexOf('text: "VIP') + 15; // inside a quoted string
    t.writeRules(edited.slice(0, cut));
    expect(await t.bridge.watcher.reload()).toBe(false);
    expect(t.bridge.holder.status().lastReload?.errors).toEqual([`${t.rulesFile}:52:26 (root): missing closing "quote`]);
    expect(t.bridge.holder.current().version).toBe(first);
    expect((await vipAlertText(t)).text).toBe(OLD_TEXT);

    t.writeRules(edited);
    expect(await t.bridge.watcher.reload()).toBe(true);
    expect((await vipAlertText(t)).text).toBe(NEW_TEXT);
    expect(t.bridge.holder.status()).toMatchObject({ reloads: 1, failures: 1, lastReload: { ok: true } });
  });

  it('the watcher waits for a save in progress to finish: the half-written file is never read', async () => {
    t = await startOpsBridge({ watch: true });
    const b = t;
    const cut = edited.indexOf('text: "VIP') + 15;
    b.writeRules(edited.slice(0, cut));
    // The rest arrives 20 ms later, well inside the watcher's 200 ms quiet time.
    await new Promise((r) => setTimeout(r, 20));
    b.writeRules(edited);
    await waitUntil(() => b.bridge.holder.status().reloads === 1, 'the watcher to reload');
    expect(b.bridge.holder.status()).toMatchObject({ reloads: 1, failures: 0 });
    expect(b.log.withMsg('rules reload refused')).toEqual([]);
    expect((await vipAlertText(b)).text).toBe(NEW_TEXT);
  });

  it('a destination added by a reload gets its jobs delivered', async () => {
    t = await startOpsBridge();
    const ops = '  ops-alerts:\n    kind: slack\n    token: ${SLACK_BOT_TOKEN}\n    channel: "#ops"\n';
    const rule = '\n  - name: join-ops\n    on: user.joined\n    actions:\n      - slack:\n          destination: ops-alerts\n          text: "Joined: {{ user.name }}"\n';
    t.writeRules(BUNDLED.replace('\n\nlists:', `\n${ops}\nlists:`) + rule);
    expect(await t.bridge.watcher.reload()).toBe(true);
    expect((await t.post(joinOf('Newcomer', '2025-10-20T10:00:00.000Z'))).status).toBe(202);
    const b = t;
    await b.slack.waitFor(() => b.slack.messages.length === 1);
    expect(b.slack.messages.map((m) => [m.channel, m.text])).toEqual([['#ops', 'Joined: Newcomer']]);
    await b.discord.waitFor(() => b.discord.messages.length === 1);
    expect(Object.keys(b.bridge.dispatcher.stats().breakers).sort()).toEqual(['community-joins', 'crm', 'ops-alerts', 'vip-alerts']);
  });

  it("a destination whose credentials change gets a new sender with them", async () => {
    t = await startOpsBridge({ env: { SLACK_BOT_TOKEN_B: 'xoxb-second-token' } });
    await vipAlertText(t);
    t.writeRules(BUNDLED.replace('token: ${SLACK_BOT_TOKEN}', 'token: ${SLACK_BOT_TOKEN_B}'));
    expect(await t.bridge.watcher.reload()).toBe(true);
    await vipAlertText(t);
    const auth = t.slack.calls.filter((c) => c.path === '/api/chat.postMessage').map((c) => c.headers.authorization);
    expect(auth).toEqual(['Bearer xoxb-test-token', 'Bearer xoxb-second-token']);
  });

  it('an auth: change applies to the next request', async () => {
    t = await startOpsBridge({ env: { RETURNING_API_KEY: 'k-live-reload' } });
    const visit = () => visitBy('someone@else.example', `2025-11-${String(++day).padStart(2, '0')}T10:00:00.000Z`);
    expect((await t.post(visit())).status).toBe(202);
    t.writeRules(BUNDLED.replace('\ndestinations:', '\nauth:\n  api_key:\n    key: ${RETURNING_API_KEY}\n\ndestinations:'));
    expect(await t.bridge.watcher.reload()).toBe(true);
    expect((await t.post(visit())).status).toBe(401);
    expect((await t.post(visit(), { 'x-api-key': 'k-live-reload' })).status).toBe(202);
  });

  it('an auth: section with a malformed secret is refused, naming it', async () => {
    t = await startOpsBridge({ env: { WEBHOOK_SECRET: 'not-a-whsec-secret' } });
    t.writeRules(BUNDLED.replace('\ndestinations:', '\nauth:\n  standard_webhooks:\n    secrets:\n      - ${WEBHOOK_SECRET}\n\ndestinations:'));
    expect(await t.bridge.watcher.reload()).toBe(false);
    expect(t.bridge.holder.status().lastReload?.errors).toEqual([`${t.rulesFile} auth.standard_webhooks.secrets[0]: WEBHOOK_SECRET decodes to 13 bytes; use at least 16 (24 to 64 recommended)`]);
    expect((await t.post(visitBy('someone@else.example', '2025-12-01T10:00:00.000Z'))).status).toBe(202);
  });
});
