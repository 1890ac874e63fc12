import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../cli/run-cli.js';
import { tempDir } from '../store/temp-store.js';
import { spawnBridge, type BridgeProcess } from './bridge-process.js';
import { freePort } from './free-port.js';

/** Two real `bridge serve` processes on one DATA_DIR: the second is refused, also after a kill -9 of the first it is not. */
describe('one serving process per data directory', () => {
  it('refuses a second bridge with who holds the store; operator commands still work; a kill -9 leaves no stale lock', async () => {
    const { dir, cleanup } = tempDir();
    onTestFinished(cleanup);
    let output = '';
    const spawn = async (): Promise<BridgeProcess> => {
      const child = await spawnBridge({
        port: await freePort(),
        env: { RULES_FILE: 'rules.yaml', DATA_DIR: dir, LOG_LEVEL: 'warn' },
        onOutput: (text) => (output += text),
        readyTimeoutMs: 45_000, // three tsx start-ups on two shared cores
      });
      onTestFinished(async () => void (await child.stop('SIGKILL')));
      return child;
    };
    try {
      const first = await spawn();
      output = '';
      await expect(spawn()).rejects.toThrow(/exited before it was ready/);
      expect(output).toContain(`another bridge is serving from ${dir} (pid ${first.pid}, since `);
      expect(output).toContain('; stop it first, or give this one its own DATA_DIR\n');
      expect(output).toMatch(/exited: code 1, signal null/);
      // The first still serves, and operator commands read the store while it does.
      expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
      const listed = await runCli(['deliveries', '--json', '--data', dir]);
      expect([listed.code, listed.stdout]).toEqual([0, '[]\n']);

      expect(await first.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
      const next = await spawn();
      expect((await fetch(`${next.url}/healthz`)).status).toBe(200);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- bridge output ---\n${output}`, { cause: err });
    }
  }, 150_000);
});
