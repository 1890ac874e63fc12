import type { Env } from '../env.js';

/** Everything a CLI command touches of the outside world, passed in so tests can capture it. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Env;
}

/** A usage error: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}
