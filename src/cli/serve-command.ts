import { parseArgs } from 'node:util';
import { startBridge } from '../bridge/start-bridge.js';
import { readEnv } from '../env.js';
import { createLogger } from '../log.js';
import { bufferedLogDestination } from '../log-destination.js';
import { createSecretScrubber } from '../secret-scrubber.js';
import type { CliIo } from './cli-io.js';
import { exitOnFatal } from './exit-on-fatal.js';

export const SERVE_USAGE = 'usage: bridge serve [--rules FILE] [--port N]   (settings from the environment: see README "Credentials and environment")';

/**
 * `bridge serve`: runs until SIGTERM or SIGINT, then shuts down gracefully. SIGHUP reloads the
 * rules. Resolves with the exit code once stopped.
 */
export async function runServe(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { rules: { type: 'string' }, port: { type: 'string' } }, strict: true });
  const env = { ...io.env, ...(values.rules !== undefined && { RULES_FILE: values.rules }), ...(values.port !== undefined && { PORT: values.port }) };
  const read = readEnv(env);
  if (!read.ok) {
    for (const e of read.errors) io.stderr(`${e}\n`);
    return 1;
  }
  // One scrubber for the logs and the store: the bridge fills it with every credential it resolves.
  const scrubber = createSecretScrubber();
  // Lines are buffered and written off the event loop (log-destination.ts says what that costs on a crash).
  const log = createLogger({ level: read.settings.LOG_LEVEL, scrub: scrubber.scrub, dest: bufferedLogDestination() });
  // A process that dies says why (one bridge died silently after ~40,000 fuzzed requests).
  exitOnFatal(process, log);
  const started = await startBridge({ settings: read.settings, env, log, scrubber });
  if (!started.ok) {
    for (const e of started.errors) io.stderr(`${e}\n`);
    io.stderr('bridge: not started (fix the errors above; `npx bridge check` lists them)\n');
    return 1;
  }
  const { bridge } = started;
  return new Promise<number>((resolve) => {
    const shutdown = (signal: string): void => {
      log.info({ signal }, 'shutting down');
      bridge.close({ timeoutMs: read.settings.SHUTDOWN_TIMEOUT_MS }).then(
        () => resolve(0),
        (err: unknown) => {
          log.error({ err }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGHUP', () => void bridge.watcher.reload());
  });
}
