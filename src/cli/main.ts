import { runCheck, CHECK_USAGE } from './check-command.js';
import { UsageError, type CliIo } from './cli-io.js';
import { runDecryptCommand, DECRYPT_USAGE } from './decrypt-command.js';
import { runDead, runDeliveries, runReplay, DELIVERIES_USAGE, DEAD_USAGE, REPLAY_USAGE } from './deliveries-command.js';
import { runSendSample, SEND_SAMPLE_USAGE } from './send-sample-command.js';
import { runServe, SERVE_USAGE } from './serve-command.js';
import { runTest, TEST_USAGE } from './test-command.js';

type Command = { run: (argv: readonly string[], io: CliIo) => Promise<number>; usage: string; summary: string };

const COMMANDS: Record<string, Command> = {
  serve: { run: runServe, usage: SERVE_USAGE, summary: 'run the bridge (what `npm start` runs)' },
  check: { run: runCheck, usage: CHECK_USAGE, summary: 'validate rules.yaml; exit 1 with every error' },
  test: { run: runTest, usage: TEST_USAGE, summary: 'dry run: which rules an event matches and what they would send' },
  'send-sample': { run: runSendSample, usage: SEND_SAMPLE_USAGE, summary: 'post a realistic sample event to a running bridge' },
  deliveries: { run: runDeliveries, usage: DELIVERIES_USAGE, summary: 'recent events and their jobs' },
  dead: { run: runDead, usage: DEAD_USAGE, summary: 'dead letters with their last error' },
  replay: { run: runReplay, usage: REPLAY_USAGE, summary: 'run jobs again' },
  decrypt: { run: runDecryptCommand, usage: DECRYPT_USAGE, summary: 'check a captured encrypted delivery against the configured layout' },
};

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return `usage: bridge <command> [options]\n\n${Object.entries(COMMANDS)
    .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
    .join('\n')}\n\nRun \`bridge <command> --help\` for a command's options.\n`;
}

/** Runs one `bridge` command; returns the exit code (serve resolves only when the server stops). */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(help());
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr(`bridge: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or malformed options.
    const code = (err as { code?: string }).code ?? '';
    if (err instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`bridge ${name}: ${(err as Error).message}\n${command.usage}\n`);
      return 2;
    }
    throw err;
  }
}
