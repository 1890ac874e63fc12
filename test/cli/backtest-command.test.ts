import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visitBy } from '../observe/sample-events.js';
import { seedStore } from '../planner/seed-store.js';
import { runCli } from './run-cli.js';

/** Issue 15: `bridge backtest` over a stored week of generated events whose counts are known. */

const HEAD = `version: 1
destinations:
  alerts: { kind: slack, token: "\${SLACK_BOT_TOKEN}", channel: "#vip" }
  crm: { kind: hubspot, access_token: "\${HUBSPOT_ACCESS_TOKEN}" }
rules:
  - name: all-visits
    on: user.visited
    actions:
      - hubspot: { destination: crm, upsert_contact: { email: "{{ user.email }}" } }
`;
const VIP = `  - name: vip-visit
    on: user.visited
    when: { field: user.email, starts_with: vip }
`;
const SLACK = `    actions:
      - slack: { destination: alerts, text: "{{ user.email }} visited" }
`;
// In force: every VIP visit alerts. Candidate: one alert per VIP a day, and a new guest rule.
const IN_FORCE = HEAD + VIP + SLACK;
const CANDIDATE = `${HEAD}${VIP}    cooldown: { key: "{{ user.email }}", for: 1d }
${SLACK}  - name: guest-welcome
    on: user.visited
    when: { field: user.email, starts_with: guest }
${SLACK}`;

// A daily digest of VIP visits instead of one alert each.
const DIGEST = `${HEAD}  - name: vip-digest
    on: user.visited
    when: { field: user.email, starts_with: vip }
    digest: { key: "{{ server.id }}", every: 1d }
    actions:
      - slack: { destination: alerts, text: "{{ digest.count }} VIP visits" }
`;

const START = Date.parse('2026-11-23T00:00:00.000Z');
const HOUR = 3_600_000;
let dir: string;
const ids: string[] = [];

/** Visit i, an hour apart for a week: vip{i % 3} three times in four, else guest{i}. */
const emailOf = (i: number) => (i % 4 === 3 ? `guest${i}@x.test` : `vip${i % 3}@x.test`);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bridge-backtest-test-'));
  writeFileSync(join(dir, 'candidate.yaml'), CANDIDATE);
  writeFileSync(join(dir, 'digest.yaml'), DIGEST);
  const seeded = Array.from({ length: 168 }, (_, i) => ({ body: visitBy(emailOf(i), new Date(START + i * HOUR).toISOString()), at: START + i * HOUR }));
  ids.push(...(await seedStore(dir, IN_FORCE, seeded)));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const args = ['backtest', '--since', '2026-11-23T00:00:00Z', '--until', '2026-11-30T00:00:00Z', '--rules', '', '--data', ''];
const backtest = (extra: string[] = []) => {
  const argv = [...args, ...extra];
  argv[argv.indexOf('--rules') + 1] = join(dir, 'candidate.yaml');
  argv[argv.indexOf('--data') + 1] = dir;
  return runCli(argv);
};

describe('bridge backtest', () => {
  it('prints, per rule and destination, what was sent against what the candidate would have sent', async () => {
    const r = await backtest();
    expect(r.code).toBe(0);
    const version = /version ([0-9a-f]{12})/.exec(r.stdout)?.[1];
    // 168 visits, 126 by the 3 VIPs, 42 by guests. With a 1-day cooldown each VIP is alerted on
    // days 0..6 (visits 0,24,…,144 / 1,25,… / 2,26,…): 21. Visits 4, 5, 6 are the first repeats.
    expect(r.stdout.split('\n')).toEqual([
      `168 events from 2026-11-23T00:00:00.000Z to 2026-11-30T00:00:00.000Z; candidate ${join(dir, 'candidate.yaml')} (version ${version})`,
      'rule → destination      in force  candidate  change',
      'all-visits → crm             168        168       =',
      'vip-visit → alerts           126         21    -105',
      `    sent, candidate would not: ${ids[4]}, ${ids[5]}, ${ids[6]}`,
      'guest-welcome → alerts         0         42     +42',
      `    candidate would send, not sent: ${ids[3]}, ${ids[7]}, ${ids[11]}`,
      '2 of 3 rule → destination pairs differ',
      '',
    ]);
    expect(r.stderr).toBe(`reading store ${join(dir, 'bridge.db')}\n`);
  });

  it('gives the same as JSON for CI, and only the window asked for', async () => {
    const r = await backtest(['--json', '--examples', '1', '--until', '2026-11-24T00:00:00Z']);
    expect(JSON.parse(r.stdout)).toEqual({
      since: '2026-11-23T00:00:00.000Z',
      until: '2026-11-24T00:00:00.000Z',
      events: 24,
      candidate: { file: join(dir, 'candidate.yaml'), version: expect.stringMatching(/^[0-9a-f]{12}$/) },
      rows: [
        { rule: 'all-visits', destination: 'crm', inForce: 24, candidate: 24, onlyInForce: [], onlyCandidate: [] },
        { rule: 'vip-visit', destination: 'alerts', inForce: 18, candidate: 3, onlyInForce: [ids[4]], onlyCandidate: [] },
        { rule: 'guest-welcome', destination: 'alerts', inForce: 0, candidate: 6, onlyInForce: [], onlyCandidate: [ids[3]] },
      ],
    });
  });

  it('counts a digest once per window closed by --until, under its newest item\'s event', async () => {
    const digest = async (until: string) => {
      const r = await runCli(['backtest', '--since', '2026-11-23T00:00:00Z', '--until', until, '--rules', join(dir, 'digest.yaml'), '--data', dir, '--json', '--examples', '1']);
      return (JSON.parse(r.stdout) as { rows: { rule: string; candidate: number; onlyCandidate: string[] }[] }).rows.find((row) => row.rule === 'vip-digest');
    };
    // Seven daily windows over the week; the newest VIP visit of day 0 is visit 22 (23 is a guest's).
    expect(await digest('2026-11-30T00:00:00Z')).toMatchObject({ rule: 'vip-digest', candidate: 7, onlyCandidate: [ids[22]] });
    // A window ending exactly at --until has closed; one still open at --until sends nothing.
    expect(await digest('2026-11-24T00:00:00Z')).toMatchObject({ candidate: 1 });
    expect(await digest('2026-11-23T23:00:00Z')).toBeUndefined();
  });

  it.each<[string[], string]>([
    [['--since', 'last week'], 'bridge backtest: --since "last week": expected a duration such as 7d or 12h, or an ISO time such as 2026-11-25T00:00:00Z'],
    [['--since', '2026-12-01T00:00:00Z', '--until', '2026-11-01T00:00:00Z'], 'bridge backtest: --since 2026-12-01T00:00:00.000Z is not before --until 2026-11-01T00:00:00.000Z'],
    [[], 'bridge backtest: --since is required (e.g. --since 7d)'],
  ])('refuses %j with exit 2', async (argv, message) => {
    const r = await runCli(['backtest', ...argv, '--data', dir]);
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([2, message]);
  });
});
