import { describe, expect, it, onTestFinished } from 'vitest';
import { spawnBridge } from '../e2e/bridge-process.js';
import { freePort } from '../e2e/free-port.js';
import { tempDir } from '../store/temp-store.js';

/**
 * A real `bridge serve` that dies says why: one fatal JSON log line (secrets redacted), exit 1.
 * The trigger is preloaded into the child, so the handlers under test are the ones serve installs.
 */
describe('bridge serve on a fatal error', () => {
  it.each([
    ['exception', 'uncaught exception; exiting'],
    ['rejection', 'unhandled promise rejection; exiting'],
  ])('an uncaught %s is logged fatal, then the process exits 1', async (trigger, msg) => {
    const { dir, cleanup } = tempDir();
    onTestFinished(cleanup);
    let output = '';
    const child = await spawnBridge({
      port: await freePort(),
      env: { RULES_FILE: 'rules.yaml', DATA_DIR: dir, LOG_LEVEL: 'info', FATAL_TRIGGER: trigger },
      nodeArgs: ['--import', 'tsx', '--import', './test/cli/fatal-trigger.ts'],
      onOutput: (text) => (output += text.replace(/^\[bridge \d+\] /, '')),
      readyTimeoutMs: 45_000,
    });
    onTestFinished(async () => void (await child.stop('SIGKILL')));
    try {
      expect(await child.stop('SIGUSR2')).toEqual({ code: 1, signal: null });
      const lines = output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
      const fatal = lines.filter((l) => l.level === 60);
      expect(fatal).toHaveLength(1);
      expect(fatal[0]).toMatchObject({ msg, err: { message: `boom: ${trigger}`, token: '[redacted]' } });
      expect(fatal[0]?.err.stack).toContain('fatal-trigger.ts');
      expect(output).not.toContain('xoxb-fatal-secret');
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- bridge output ---\n${output}`, { cause: err });
    }
  }, 60_000);
});
