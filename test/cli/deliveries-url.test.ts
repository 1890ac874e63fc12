import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONSOLE_TOKEN, startConsoleBridge, type ConsoleBridge } from '../console/console-bridge.js';
import { freePort } from '../e2e/free-port.js';
import { startTestBridge } from '../e2e/start-test-bridge.js';
import { runCli } from './run-cli.js';

// The real CLI (main, as bin/bridge.js runs it) against a real bridge on a real port.
let t: ConsoleBridge;
let deadJob: string;
beforeAll(async () => {
  t = await startConsoleBridge();
  deadJob = `${t.ids.vip}:vip-visit-slack:0`;
  // HubSpot upserts linger for a batch: wait until every job settled, so both reads see one state.
  await vi.waitFor(async () => {
    const c = await t.bridge.store.deliveries.counts();
    if (c.pending + c.running > 0) throw new Error('jobs still pending');
  }, { timeout: 15_000, interval: 50 });
}, 30_000);
afterAll(async () => {
  await t?.close();
});

const withToken = { CONSOLE_TOKEN };
const remote = (argv: string[], env: Record<string, string> = withToken) => runCli([...argv, '--url', t.bridge.url], env);
const local = (argv: string[]) => runCli([...argv, '--data', t.dataDir]);

describe('bridge deliveries, dead and replay --url: a running bridge answers as its data folder does', () => {
  it.each([
    ['deliveries', ['deliveries']],
    ['deliveries --json', ['deliveries', '--json']],
    ['deliveries --status dead --limit 1', ['deliveries', '--status', 'dead', '--limit', '1']],
    ['dead', ['dead']],
    ['dead --json', ['dead', '--json']],
  ])('%s prints the same lines', async (_name, argv) => {
    const viaApi = await remote(argv);
    const viaData = await local(argv);
    expect(viaApi.code).toBe(0);
    expect(viaApi.stdout).toBe(viaData.stdout);
    expect(viaApi.stderr).toBe(`asking the bridge at ${t.bridge.url}\n`);
  });

  it('lists the dead letter (the text form, checked once by content)', async () => {
    const r = await remote(['dead']);
    expect(r.stdout).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z  dead      ${deadJob.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}  → vip-alerts \\(slack\\), 1 attempt  slack error: channel_not_found\\n$`));
  });

  it('replays through the bridge: the dead letter once, then says it was replayed already; unknown ids as with --data', async () => {
    const first = await remote(['replay', deadJob]);
    expect(first).toEqual({ code: 0, stdout: `queued ${deadJob}#r1 (replays ${deadJob})\n1 queued, 0 skipped\n`, stderr: `asking the bridge at ${t.bridge.url}\n` });
    await expect.poll(() => t.slack.messages.map((m) => m.text), { timeout: 15_000 }).toEqual(["VIP visit: Jane Doe (janedoe@example.com) is in John's community"]);
    const again = await remote(['replay', deadJob]);
    const againLocal = await local(['replay', deadJob]);
    expect([again.code, again.stdout, again.stderr.split('\n').slice(1)]).toEqual([againLocal.code, againLocal.stdout, againLocal.stderr.split('\n').slice(1)]);
    expect(again.code).toBe(1);
    expect(await remote(['replay', 'no-such-job'])).toEqual({ code: 1, stdout: 'nothing to replay\n', stderr: `asking the bridge at ${t.bridge.url}\nno job or event with id "no-such-job"\n` });
    expect((await remote(['replay', '--dead'])).stdout).toBe('nothing to replay\n');
  });

  it('replans with the rules in force at the bridge (--rules-now), and refuses --rules with --url', async () => {
    const r = await remote(['replay', t.ids.bob, '--rules-now']);
    expect([r.code, r.stdout]).toEqual([0, `queued ${t.ids.bob}:visit-hubspot-sync:0#r1 (replays ${t.ids.bob}:visit-hubspot-sync:0)\n1 queued, 0 skipped\n`]);
    const refused = await remote(['replay', t.ids.bob, '--rules-now', '--rules', 'rules.yaml']);
    expect([refused.code, refused.stderr.split('\n')[0]]).toEqual([2, 'bridge replay: --rules is for --data: a running bridge replans with the rules it has in force']);
  });
});

describe('bridge deliveries --url: what goes wrong says so', () => {
  it('needs CONSOLE_TOKEN in the environment (no flag takes the token)', async () => {
    expect(await remote(['deliveries'], {})).toEqual({
      code: 1,
      stdout: '',
      stderr: "bridge: --url needs the console's bearer token in the environment: CONSOLE_TOKEN=… (the bridge's own CONSOLE_TOKEN; it is not taken as a flag, so it stays out of shell history)\n",
    });
    const flag = await runCli(['dead', '--url', t.bridge.url, '--token', CONSOLE_TOKEN]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^bridge dead: Unknown option '--token'/);
  });

  it('says the token was refused (401)', async () => {
    expect(await remote(['dead'], { CONSOLE_TOKEN: 'not-the-token' })).toEqual({
      code: 1,
      stdout: '',
      stderr: `asking the bridge at ${t.bridge.url}\nbridge: the bridge at ${t.bridge.url} refused the token in CONSOLE_TOKEN (401): it must be the bridge's CONSOLE_TOKEN\n`,
    });
  });

  it('says nothing answers at the address', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    expect(await runCli(['replay', '--dead', '--url', url], withToken)).toEqual({
      code: 1,
      stdout: '',
      stderr: `asking the bridge at ${url}\nbridge: cannot reach the bridge at ${url} (ECONNREFUSED): is it running, and is this its address?\n`,
    });
  });

  it('says a bridge without CONSOLE_TOKEN has no console API', async () => {
    const plain = await startTestBridge();
    try {
      expect(await runCli(['deliveries', '--url', `${plain.bridge.url}/`], withToken)).toEqual({
        code: 1,
        stdout: '',
        stderr: `asking the bridge at ${plain.bridge.url}\nbridge: the bridge at ${plain.bridge.url} has no console API (404): start it with CONSOLE_TOKEN set\n`,
      });
    } finally {
      await plain.close();
    }
  });

  it.each([
    [['deliveries', '--url', 'ftp://host'], 'bridge deliveries: --url must be an http or https address, got "ftp://host"'],
    [['deliveries', '--url', 'not a url'], 'bridge deliveries: --url must be the bridge\'s address, like http://127.0.0.1:3000, got "not a url"'],
    [['dead', '--url', 'http://127.0.0.1:1', '--data', '/tmp'], 'bridge dead: give --url (a running bridge) or --data (its data folder), not both'],
  ])('refuses %j', async (argv, line) => {
    const r = await runCli(argv, withToken);
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([2, line]);
  });
});
