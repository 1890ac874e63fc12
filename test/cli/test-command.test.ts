import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
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
    const r = await runCli(['test', '--event', VISIT, '--rules', 'rules.yaml', '--json']);
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
      properties: { email: 'janedoe@example.com', firstname: 'Jane', lastname: 'Doe', returning_last_visit: '2025-09-02T09:41:04.769Z', returning_community: "John's community" },
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

  it('refuses an invalid event, naming the field', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ event: { name: 'User Visits Server' }, user: { id: '1', email: 'not-an-email', name: 'x' } }));
    const r = await runCli(['test', '--event', file, '--rules', 'rules.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}: invalid event: user.email: Invalid email address\n`);
  });
});

describe('bridge test <folder>', () => {
  it('passes the bundled examples', async () => {
    const r = await runCli(['test', 'examples/rule-tests', '--rules', 'rules.yaml']);
    expect(r.stdout).toBe('PASS join.yaml\nPASS regular-visit.yaml\nPASS vip-visit.yaml\n3 passed, 0 failed\n');
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
    expect(r.stdout).toBe('FAIL wrong.yaml\n     expected matches [vip-visit-slack], got [visit-hubspot-sync]\n0 passed, 1 failed\n');
  });
});
