import { parseArgs } from 'node:util';
import { loadRulesFile } from '../config/load-rules.js';
import type { CliIo } from './cli-io.js';

export const CHECK_USAGE = 'usage: bridge check [--rules FILE]';

/** `bridge check`: validate rules.yaml; every error at once, exit 0 or 1. */
export async function runCheck(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { rules: { type: 'string' } }, strict: true });
  const file = values.rules ?? io.env.RULES_FILE ?? './rules.yaml';
  const result = await loadRulesFile(file, io.env);
  if (!result.ok) {
    for (const e of result.errors) io.stderr(`${e}\n`);
    io.stderr(`${file}: ${result.errors.length} error${result.errors.length === 1 ? '' : 's'}\n`);
    return 1;
  }
  const { rules } = result;
  for (const w of rules.warnings) io.stderr(`warning: ${w}\n`);
  const dests = [...rules.destinations.values()].map((d) => `${d.name} (${d.kind}, ${d.live ? 'live' : 'dry run'})`);
  io.stdout(`${file}: ok, version ${rules.version}, ${rules.file.rules.length} rules, destinations: ${dests.join(', ') || 'none'}\n`);
  return 0;
}
