import type { Logger } from '../log.js';

/**
 * Last-resort handlers for `bridge serve`: an uncaught exception or unhandled rejection is logged
 * as `fatal` through the logger (so secrets are redacted like any other line), then the process
 * exits 1. Its state is unknown by then, so it does not try to shut down gracefully: accepted
 * events are already committed, and jobs it was running run again on the next start. Returns a
 * function that removes the handlers.
 */
export function exitOnFatal(proc: NodeJS.Process, log: Logger): () => void {
  const die = (message: string, err: unknown): void => {
    try {
      log.fatal({ err }, message);
      log.flush();
    } finally {
      proc.exit(1);
    }
  };
  const onException = (err: Error, origin: string): void =>
    die(origin === 'unhandledRejection' ? 'unhandled promise rejection; exiting' : 'uncaught exception; exiting', err);
  const onRejection = (reason: unknown): void => die('unhandled promise rejection; exiting', reason);
  proc.on('uncaughtException', onException);
  proc.on('unhandledRejection', onRejection);
  return () => {
    proc.off('uncaughtException', onException);
    proc.off('unhandledRejection', onRejection);
  };
}
