import { readFile } from 'node:fs/promises';
import { runDecrypt } from '../receive/auth/decrypt-command.js';
import type { CliIo } from './cli-io.js';

export const DECRYPT_USAGE = 'usage: bridge decrypt --file <captured body> [--headers <file>] [--rules <rules.yaml>] [--print]';

/** `bridge decrypt`: does a captured delivery decrypt under rules.yaml's auth.encryption layout? */
export function runDecryptCommand(argv: readonly string[], io: CliIo): Promise<number> {
  return runDecrypt(argv, { ...io, readFile: (p) => readFile(p) });
}
