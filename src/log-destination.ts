import { pino, type DestinationStream } from 'pino';

/** The longest a line waits in the buffer, so a quiet bridge's lines still appear promptly. */
export const LOG_FLUSH_EVERY_MS = 250;
/** Output buffered before a write: pino's asynchronous logging (https://getpino.io/#/docs/asynchronous). */
const MIN_WRITE_BYTES = 4096;
/** Unwritten output kept while stdout is not being read; past it lines are dropped and counted. */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/**
 * Where `bridge serve` writes its log lines: stdout (or `fd`), buffered and written off the event
 * loop. A synchronous write per line cost ~5 % of the bridge's main-thread CPU at three lines an
 * event (same-run A/B in the README). Lines wait at most LOG_FLUSH_EVERY_MS. A process that ends
 * by emptying its event loop, as `bridge serve` does when it stops, writes every line first
 * (pino's beforeExit hook). `process.exit`, as after a fatal error (exit-on-fatal.ts), writes the
 * buffered lines synchronously, the fatal one included, but can lose the one write then in flight
 * (at most 16 KB of earlier lines); so can a SIGKILL or a power loss. Never an event: the store
 * holds those.
 *
 * A reader that stops reading (a stuck log shipper) would otherwise grow memory without bound, or,
 * with synchronous writes, block the event loop and every acknowledgement with it. Past
 * MAX_BUFFERED_BYTES lines are dropped; once output moves again one warning line says how many.
 */
export function bufferedLogDestination(fd = 1): DestinationStream {
  const dest = pino.destination({ dest: fd, sync: false, minLength: MIN_WRITE_BYTES, periodicFlush: LOG_FLUSH_EVERY_MS, maxLength: MAX_BUFFERED_BYTES });
  let dropped = 0;
  dest.on('drop', () => {
    dropped += 1;
  });
  dest.on('write', () => {
    if (dropped === 0) return;
    const line = { level: 40, time: new Date().toISOString(), droppedLines: dropped, msg: `${dropped} log lines were dropped: stdout was not being read` };
    dropped = 0;
    dest.write(`${JSON.stringify(line)}\n`);
  });
  return dest;
}
