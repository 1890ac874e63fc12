import { parseArgs } from 'node:util';
import { loadRulesFile } from '../config/load-rules.js';
import type { CliIo } from './cli-io.js';

export const CHECK_USAGE = 'usage: bridge check [--rules FILE] [--online]';

/** `bridge check`: validate rules.yaml; every error at once, exit 0 or 1. With --online, also each live credential. */
export async function runCheck(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { rules: { type: 'string' }, online: { type: 'boolean' } }, strict: true });
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
  if (values.online !== true) return 0;
  // Only --online reads the settings: the check alone never builds their schema.
  const { readEnv } = await import('../env.js');
  const read = readEnv(io.env);
  if (!read.ok) {
    for (const e of read.errors) io.stderr(`${e}\n`);
    return 1;
  }
  const { checkOnline } = await import('../bridge/check-online.js');
  const checks = await checkOnline(rules, read.settings);
  for (const c of checks) {
    if (c.ok) io.stdout(`  ${c.name} (${c.kind}): authenticated as ${c.as}\n`);
    else io.stderr(`  ${c.name} (${c.kind}): ${c.error}\n`);
  }
  return checks.every((c) => c.ok) ? 0 : 1;
}
