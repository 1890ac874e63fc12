import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openTemp, seed, tempDir } from '../store/temp-store.js';
import { runCli } from './run-cli.js';

/** A temp data folder holding a store with one event and one pending job; removed after the test. */
async function seededDir(): Promise<string> {
  const { dir, cleanup } = tempDir();
  onTestFinished(cleanup);
  const store = openTemp(dir, { now: () => 1_000 });
  await seed(store, 'evt-1', [{ destination: 'alerts', kind: 'slack' }]);
  store.close();
  return dir;
}

describe('operator commands say which store they read', () => {
  it.each([
    ['deliveries', ['deliveries', '--json']],
    ['dead', ['dead', '--json']],
    ['replay', ['replay', '--dead']],
  ])('%s, given --data, names the file on stderr', async (_name, argv) => {
    const dir = await seededDir();
    const r = await runCli([...argv, '--data', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`reading store ${resolve(dir, 'bridge.db')}\n`);
  });

  it('keeps --json stdout clean, and reads DATA_DIR without --data', async () => {
    const dir = await seededDir();
    const r = await runCli(['deliveries', '--json'], { DATA_DIR: dir });
    expect(r.stderr).toBe(`reading store ${resolve(dir, 'bridge.db')}\n`);
    expect((JSON.parse(r.stdout) as { id: string }[]).map((e) => e.id)).toEqual(['evt-1']);
  });

  it.each([
    ['--data', (missing: string) => runCli(['deliveries', '--data', missing]), (missing: string) => `--data ${missing}`],
    ['DATA_DIR', (missing: string) => runCli(['dead'], { DATA_DIR: missing }), (missing: string) => `DATA_DIR=${missing}`],
  ])('refuses a folder with no store (%s), creating nothing', async (_name, run, from) => {
    const { dir, cleanup } = tempDir();
    onTestFinished(cleanup);
    const missing = join(dir, 'not-the-data-dir');
    const r = await run(missing);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `bridge: no store at ${resolve(missing, 'bridge.db')} (${from(missing)}); give the bridge's data folder with --data DIR or DATA_DIR\n`,
    });
    expect(existsSync(missing)).toBe(false);
  });
});
