import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { visitBy } from '../observe/sample-events.js';
import { seedStore } from '../planner/seed-store.js';
import { runCli } from './run-cli.js';

const VISIT = 'test/fixtures/events/visit.json';

/** A fresh folder under the OS temp dir, removed when the test ends. */
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bridge-cli-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('bridge test --event', () => {
  it('prints the --json contract for the docs visit against the bundled rules', async () => {
    const r = await runCli(['test', '--event', VISIT, '--at', '2025-09-02T09:41:05Z', '--rules', 'rules.yaml', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.event).toEqual({ type: 'user.visited', id: expect.stringMatching(/^c_[0-9a-f]{32}$/), name: 'User Visits Server' });
    expect(out.matches.map((m: { rule: string }) => m.rule)).toEqual(['vip-visit-slack', 'visit-hubspot-sync']);
    const slack = out.matches[0].actions[0];
    expect(slack).toMatchObject({ destination: 'vip-alerts', kind: 'slack', key: `${out.event.id}:vip-visit-slack:0` });
    expect(slack.request.channel).toBe('#vip-visits');
    expect(slack.request.text).toBe("VIP visit: Jane Doe (janedoe@example.com) is in John's community");
    expect(out.matches[1].actions[0].request.upsert).toEqual({
      idProperty: 'email',
      id: 'janedoe@example.com',
      properties: { email: 'janedoe@example.com', firstname: 'Jane', lastname: 'Doe', returning_visits: '1', returning_first_visit: '2025-09-02T09:41:05.000Z', returning_last_visit: '2025-09-02T09:41:05.000Z', returning_community: "John's community" },
    });
    expect(out.misses).toEqual([{ rule: 'join-discord', reason: 'not subscribed to user.visited' }]);
    expect(out.matches[0].explanation).toEqual({
      test: 'any',
      passed: true,
      children: [
        { test: 'user.email in list vip_emails (ignore case)', passed: true, actual: 'janedoe@example.com' },
        { test: 'user.email_domain in list vip_domains (ignore case)', passed: false, actual: 'example.com' },
      ],
    });
  });

  it('explains in words why each condition passed or failed', async () => {
    const r = await runCli(['test', '--event', VISIT, '--rules', 'rules.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('MATCH vip-visit-slack');
    // Every branch of the `any`, not only up to the first that passed.
    expect(r.stdout).toContain(
      [
        '    ✓ any',
        '        ✓ user.email in list vip_emails (ignore case)  (actual: "janedoe@example.com")',
        '        ✗ user.email_domain in list vip_domains (ignore case)  (actual: "example.com")',
      ].join('\n'),
    );
    expect(r.stdout).toContain('miss  join-discord: not subscribed to user.visited');
    expect(r.stdout).toContain('→ slack vip-alerts would send:');
  });

  it('shows a shadow rule as would-have-sent, with its request, in text and JSON', async () => {
    const dir = tempDir();
    const rules = join(dir, 'rules.yaml');
    writeFileSync(rules, `version: 1
destinations:
  alerts: { kind: slack, token: "\${SLACK_BOT_TOKEN}", channel: "#vip" }
rules:
  - name: new-welcome
    on: user.visited
    mode: shadow
    actions:
      - slack: { destination: alerts, text: "welcome {{ user.name }}" }
`);
    const text = await runCli(['test', '--event', VISIT, '--rules', rules]);
    expect(text.stdout).toContain('SHADOW new-welcome: would have sent (mode: shadow; nothing is delivered)');
    expect(text.stdout).toContain('→ slack alerts would send:');
    const json = JSON.parse((await runCli(['test', '--event', VISIT, '--rules', rules, '--json'])).stdout);
    expect(json.matches[0]).toMatchObject({ rule: 'new-welcome', shadow: true, actions: [{ destination: 'alerts', request: { text: 'welcome Jane Doe' } }] });
  });

  it('refuses an invalid event, naming the field', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ event: { name: 'User Visits Server' }, user: { id: '1', email: 'not-an-email', name: 'x' } }));
    const r = await runCli(['test', '--event', file, '--rules', 'rules.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}: invalid event: user.email: Invalid email address\n`);
  });
});

describe('bridge test --event-id', () => {
  const BUNDLED = readFileSync('rules.yaml', 'utf8');
  const AT = Date.parse('2026-11-23T10:00:00.000Z');

  it('explains a stored miss the decision only counted: at its receive time, from the same rules', async () => {
    const dir = tempDir();
    const [id] = await seedStore(dir, BUNDLED, [{ body: visitBy('guest@other.example', new Date(AT).toISOString(), 'Guest'), at: AT }]);
    const listed = await runCli(['deliveries', '--json', '--data', dir]);
    const decision = JSON.parse(listed.stdout)[0].decision;
    expect(decision.summary).toBe('matched visit-hubspot-sync; 1 missed');
    expect(decision.rules.map((r: { rule: string }) => r.rule)).toEqual(['visit-hubspot-sync']);
    const r = await runCli(['test', '--event-id', id as string, '--data', dir, '--rules', 'rules.yaml', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('planned as received at 2026-11-23T10:00:00.000Z');
    expect(r.stderr).not.toContain('rules version');
    const out = JSON.parse(r.stdout);
    expect(out.event).toEqual({ type: 'user.visited', id, name: 'User Visits Server' });
    expect(out.matches.map((m: { rule: string }) => m.rule)).toEqual(['visit-hubspot-sync']);
    expect(out.misses).toEqual([
      {
        rule: 'vip-visit-slack',
        reason: 'condition failed: none of (user.email in list vip_emails (ignore case); user.email_domain in list vip_domains (ignore case))',
        explanation: {
          test: 'any',
          passed: false,
          children: [
            { test: 'user.email in list vip_emails (ignore case)', passed: false, actual: 'guest@other.example' },
            { test: 'user.email_domain in list vip_domains (ignore case)', passed: false, actual: 'other.example' },
          ],
        },
      },
      { rule: 'join-discord', reason: 'not subscribed to user.visited' },
    ]);
  });

  it.each<[string, string[], string]>([
    ['an unknown id', ['--event-id', 'nope'], 'bridge: no event "nope" in the store\n'],
  ])('refuses %s', async (_name, args, stderr) => {
    const dir = tempDir();
    await seedStore(dir, BUNDLED, []);
    const r = await runCli(['test', ...args, '--data', dir, '--rules', 'rules.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`reading store ${join(dir, 'bridge.db')}\n${stderr}`);
  });

  it('says when the rules changed since the event was planned', async () => {
    const dir = tempDir();
    const [id] = await seedStore(dir, BUNDLED, [{ body: visitBy('guest@other.example', new Date(AT).toISOString(), 'Guest'), at: AT }]);
    const edited = join(dir, 'edited.yaml');
    writeFileSync(edited, `${BUNDLED}\n# edited\n`);
    const r = await runCli(['test', '--event-id', id as string, '--data', dir, '--rules', edited]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`note: event ${id} was planned with rules version [0-9a-f]{12}; these rules are version [0-9a-f]{12}\\n`));
    expect(r.stdout).toContain('miss  vip-visit-slack: condition failed: none of (');
  });
});

describe('bridge test <folder>', () => {
  it('passes the bundled examples', async () => {
    const r = await runCli(['test', 'examples/rule-tests', '--rules', 'rules.yaml']);
    expect(r.stdout).toBe('PASS join.yaml\nPASS regular-visit.yaml\nPASS vip-cooldown.yaml\nPASS vip-visit.yaml\n4 passed, 0 failed\n');
    expect(r.code).toBe(0);
  });

  it('fails a case whose expectation is wrong, saying what happened instead', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'wrong.yaml'),
      'event:\n  owner: { id: "1", name: O, email: o@x.example }\n  user: { id: "2", name: U, email: u@x.example }\n  date: "2025-01-01T00:00:00Z"\n  event: { name: User Visits Server }\n  server: { id: "s", name: S }\nexpect:\n  matches: [vip-visit-slack]\n',
    );
    const r = await runCli(['test', dir, '--rules', 'rules.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe([
      'FAIL wrong.yaml',
      '     vip-visit-slack: expected matched, got no match (condition failed: none of (user.email in list vip_emails (ignore case); user.email_domain in list vip_domains (ignore case)))',
      '     visit-hubspot-sync: expected no match, got matched',
      '0 passed, 1 failed',
      '',
    ].join('\n'));
  });
});

describe('bridge test <folder>: timed steps', () => {
  const VISIT_FILE = JSON.stringify(JSON.parse(readFileSync(VISIT, 'utf8')));
  /** A folder with visit.json beside one test file, `steps.yaml`. */
  function withSteps(yaml: string): string {
    const dir = tempDir();
    mkdirSync(join(dir, 'tests'));
    writeFileSync(join(dir, 'visit.json'), VISIT_FILE);
    writeFileSync(join(dir, 'tests', 'steps.yaml'), yaml);
    return join(dir, 'tests');
  }

  it('runs the cooldown example through the planner, with memory from one step to the next', async () => {
    const r = await runCli(['test', 'examples/rule-tests', '--rules', 'rules.yaml']);
    expect(r.stdout).toContain('PASS vip-cooldown.yaml\n');
  });

  it('fails a step whose cooldown expectation is wrong, with each rule\'s expected and actual outcome', async () => {
    const dir = withSteps([
      'steps:',
      '  - at: "2026-01-05T10:00:00Z"',
      '    event: ../visit.json',
      '    expect: { matches: [vip-visit-slack, visit-hubspot-sync] }',
      '  - at: +11h',
      '    event: ../visit.json',
      '    expect: { matches: [vip-visit-slack, visit-hubspot-sync], suppressed: {} }',
      '  - at: +2h',
      '    event: ../visit.json',
      '    expect: { matches: [visit-hubspot-sync], suppressed: { vip-visit-slack: cooldown } }',
      '',
    ].join('\n'));
    const r = await runCli(['test', dir, '--rules', 'rules.yaml']);
    expect(r.stdout).toBe([
      'FAIL steps.yaml',
      `     step 2 at 2026-01-05T21:00:00.000Z (${join(dir, 'steps.yaml')}:5:5): vip-visit-slack: expected matched, got suppressed (cooldown until 2026-01-05T22:00:00.000Z)`,
      `     step 3 at 2026-01-05T23:00:00.000Z (${join(dir, 'steps.yaml')}:8:5): vip-visit-slack: expected suppressed (cooldown), got matched`,
      '0 passed, 1 failed',
      '',
    ].join('\n'));
    expect(r.code).toBe(1);
  });

  it.each([
    ['a relative first step', 'steps:\n  - at: +1h\n    event: ../visit.json\n    expect: {}\n', '2:9 steps[0].at: "+1h" follows no step: the first step needs an ISO-8601 time with its zone (2026-01-05T10:00:00Z)'],
    ['a time without a zone', 'steps:\n  - at: "2026-01-05T10:00:00"\n    event: ../visit.json\n    expect: {}\n', '2:9 steps[0].at: "2026-01-05T10:00:00" is not a time: use an ISO-8601 time with its zone (2026-01-05T10:00:00Z), or +<duration> after the previous step (+3h, +7d)'],
    ['a bad duration', 'steps:\n  - at: "2026-01-05T10:00:00Z"\n    event: ../visit.json\n    expect: {}\n  - at: +3 days\n    event: ../visit.json\n    expect: {}\n', '5:9 steps[1].at: "+3 days" is not a time: use an ISO-8601 time with its zone (2026-01-05T10:00:00Z), or +<duration> after the previous step (+3h, +7d)'],
    ['time going back', 'steps:\n  - at: "2026-01-05T10:00:00Z"\n    event: ../visit.json\n    expect: {}\n  - at: "2026-01-05T09:00:00Z"\n    event: ../visit.json\n    expect: {}\n', '5:9 steps[1].at: 2026-01-05T09:00:00.000Z is before the previous step (2026-01-05T10:00:00.000Z): steps run in time order'],
    ['a missing event file', 'steps:\n  - at: "2026-01-05T10:00:00Z"\n    event: ../nope.json\n    expect: {}\n', '3:12 steps[0].event: cannot read event file ../nope.json: ENOENT'],
    ['an invalid inline event field', 'steps:\n  - at: "2026-01-05T10:00:00Z"\n    event: { owner: { id: "1", name: O, email: o@x.example }, user: { id: "2", name: U, email: not-an-email }, date: "2026-01-05T10:00:00Z", event: { name: User Visits Server }, server: { id: s, name: S } }\n    expect: {}\n', '3:96 steps[0].event.user.email: invalid event: Invalid email address'],
    ['an unknown rule', 'steps:\n  - at: "2026-01-05T10:00:00Z"\n    event: ../visit.json\n    expect: { matches: [vip-visit] }\n', '4:25 steps[0].expect.matches[0]: unknown rule "vip-visit" (the rules are vip-visit-slack, join-discord, visit-hubspot-sync)'],
    ['an unknown reason', 'steps:\n  - at: "2026-01-05T10:00:00Z"\n    event: ../visit.json\n    expect: { suppressed: { vip-visit-slack: later } }\n', '4:46 steps[0].expect.suppressed.vip-visit-slack: Invalid option: expected one of "cooldown"|"quiet_hours"'],
    ['a rule both matched and suppressed', 'steps:\n  - at: "2026-01-05T10:00:00Z"\n    event: ../visit.json\n    expect: { matches: [vip-visit-slack], suppressed: { vip-visit-slack: cooldown } }\n', '4:57 steps[0].expect.suppressed.vip-visit-slack: rule "vip-visit-slack" cannot both match and be suppressed'],
    ['an unknown key', 'steps:\n  - at: "2026-01-05T10:00:00Z"\n    event: ../visit.json\n    expect: { matched: [vip-visit-slack] }\n', '4:15 steps[0].expect.matched: unknown key "matched"'],
    ['steps beside event', 'event: ../visit.json\nsteps:\n  - at: "2026-01-05T10:00:00Z"\n    event: ../visit.json\n    expect: {}\n', '1:8 event: a test with steps gives each step its own event'],
  ])('refuses %s at its line and column', async (_name, yaml, error) => {
    const dir = withSteps(yaml);
    const r = await runCli(['test', dir, '--rules', 'rules.yaml']);
    const [head, first] = r.stdout.split('\n');
    expect(head).toBe('FAIL steps.yaml');
    // The whole line, up to the OS's own words after ENOENT.
    const expected = `     ${join(dir, 'steps.yaml')}:${error}`;
    expect(first?.slice(0, expected.length)).toBe(expected);
    expect(r.code).toBe(1);
  });
});
