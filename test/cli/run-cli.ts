import { main } from '../../src/cli/main.js';
import type { Env } from '../../src/env.js';

/** Runs a `bridge` command in-process with captured output. */
export async function runCli(argv: string[], env: Env = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env });
  return { code, stdout, stderr };
}
