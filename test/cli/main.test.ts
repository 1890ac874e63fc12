import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('bridge', () => {
  it('lists the commands with no arguments (exit 2)', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('usage: bridge <command> [options]');
    for (const c of ['serve', 'check', 'test', 'send-sample', 'deliveries', 'dead', 'replay', 'decrypt']) expect(r.stdout).toContain(`  ${c}`);
  });

  it('names an unknown command', async () => {
    const r = await runCli(['chekc']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('bridge: unknown command "chekc"');
  });

  it('prints a command usage with --help', async () => {
    const r = await runCli(['check', '--help']);
    expect(r).toEqual({ code: 0, stdout: 'usage: bridge check [--rules FILE] [--online]\n', stderr: '' });
  });

  it('rejects an unknown option with the usage (exit 2)', async () => {
    const r = await runCli(['check', '--rulez', 'x.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("bridge check: Unknown option '--rulez'\nusage: bridge check [--rules FILE] [--online]\n");
  });
});
