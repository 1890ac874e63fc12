import { UsageError, type CliIo } from './cli-io.js';
import { errorMessage } from '../error-message.js';

type Run = (argv: readonly string[], io: CliIo) => Promise<number>;
type Loaded = { run: Run; usage: string };
/** `load` imports only that command's module, so `check` never loads what `serve` needs (express, SQLite, pino). */
type Command = { load: () => Promise<Loaded>; summary: string };

const COMMANDS: Record<string, Command> = {
  serve: { load: async () => import('./serve-command.js').then((m) => ({ run: m.runServe, usage: m.SERVE_USAGE })), summary: 'run the bridge (what `npm start` runs)' },
  check: { load: async () => import('./check-command.js').then((m) => ({ run: m.runCheck, usage: m.CHECK_USAGE })), summary: 'validate rules.yaml; exit 1 with every error' },
  test: { load: async () => import('./test-command.js').then((m) => ({ run: m.runTest, usage: m.TEST_USAGE })), summary: 'dry run: which rules an event matches and what they would send' },
  'send-sample': { load: async () => import('./send-sample-command.js').then((m) => ({ run: m.runSendSample, usage: m.SEND_SAMPLE_USAGE })), summary: 'post a realistic sample event to a running bridge' },
  deliveries: { load: async () => import('./deliveries-command.js').then((m) => ({ run: m.runDeliveries, usage: m.DELIVERIES_USAGE })), summary: 'recent events and their jobs' },
  dead: { load: async () => import('./deliveries-command.js').then((m) => ({ run: m.runDead, usage: m.DEAD_USAGE })), summary: 'dead letters with their last error' },
  replay: { load: async () => import('./deliveries-command.js').then((m) => ({ run: m.runReplay, usage: m.REPLAY_USAGE })), summary: 'run jobs again' },
  backtest: { load: async () => import('./backtest-command.js').then((m) => ({ run: (argv, io) => m.runBacktest(argv, io), usage: m.BACKTEST_USAGE })), summary: 'what a rules file would have sent over stored events, against what was sent' },
  forget: { load: async () => import('./forget-command.js').then((m) => ({ run: m.runForget, usage: m.FORGET_USAGE })), summary: "delete everything stored about one person (--email or --user-id)" },
  migrate: { load: async () => import('./migrate-command.js').then((m) => ({ run: m.runMigrate, usage: m.MIGRATE_USAGE })), summary: 'copy the SQLite store into PostgreSQL (events, jobs, state, digests)' },
  decrypt: { load: async () => import('./decrypt-command.js').then((m) => ({ run: m.runDecryptCommand, usage: m.DECRYPT_USAGE })), summary: 'check a captured encrypted delivery against the configured layout' },
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
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    io.stderr(`bridge: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  const command = await entry.load();
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
      io.stderr(`bridge ${name}: ${errorMessage(err)}\n${command.usage}\n`);
      return 2;
    }
    throw err;
  }
}
