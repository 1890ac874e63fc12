import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';

const run = promisify(execFile);
const BRIDGE = fileURLToPath(new URL('../../src/cli/bridge.ts', import.meta.url));
const VISIT = fileURLToPath(new URL('../fixtures/events/visit.json', import.meta.url));
const TSX = import.meta.resolve('tsx');

const RULES = `version: 1
destinations:
  alerts:
    kind: slack
    token: \${SLACK_BOT_TOKEN}
    channel: "\${ALERT_CHANNEL}"
rules:
  - name: every-visit
    on: user.visited
    actions:
      - slack: { destination: alerts, text: "visit" }
`;

/** `bridge test --event` (the real executable, through tsx) in a fresh folder holding rules.yaml and `files`. */
async function bridgeTest(files: Record<string, string>, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bridge-dotenv-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'rules.yaml'), RULES);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  try {
    const r = await run(process.execPath, ['--import', TSX, BRIDGE, 'test', '--event', VISIT, '--json'], { cwd: dir, env: { PATH: process.env['PATH'] ?? '', ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const channel = (stdout: string): unknown => JSON.parse(stdout).matches[0].actions[0].request.channel;

describe('the bridge executable and .env', () => {
  it('reads variables from .env in the working folder', async () => {
    const r = await bridgeTest({ '.env': '# the staging channel\nALERT_CHANNEL="#from-dotenv"\n' });
    expect(r.code).toBe(0);
    expect(channel(r.stdout)).toBe('#from-dotenv');
  });

  it('lets the real environment win over .env', async () => {
    const r = await bridgeTest({ '.env': 'ALERT_CHANNEL="#from-dotenv"\n' }, { ALERT_CHANNEL: '#from-env' });
    expect(channel(r.stdout)).toBe('#from-env');
  });

  it('runs without a .env, and an unset variable is still an error', async () => {
    const r = await bridgeTest({});
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('./rules.yaml:6:14 destinations.alerts.channel: environment variable "ALERT_CHANNEL" is not set');
  });
});

describe('a reader that leaves early (`bridge … | head`)', () => {
  it('exits quietly with the command exit code, not a crash on EPIPE', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['--import', TSX, BRIDGE, 'test', '--event', VISIT, '--rules', fileURLToPath(new URL('../../rules.yaml', import.meta.url))], {
      env: { PATH: process.env['PATH'] ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reader is gone before the first line is written.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  }, 60_000);
});
