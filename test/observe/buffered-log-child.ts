// Run by log-destination.test.ts (node --import tsx): a logger on the buffered destination, as
// `bridge serve` has it, writing to this process's stdout. LOG_CHILD says what to do:
//   quiet:   log one line, then stay alive (the parent kills it);
//   stalled: log LOG_LINES lines of ~4 KB while the parent is not reading, report over IPC how
//            long that took, and on the parent's 'finish' log one last line and end as `bridge
//            serve` does: by letting the event loop empty (pino writes what is left before exit).
import { createLogger } from '../../src/log.js';
import { bufferedLogDestination } from '../../src/log-destination.js';

const log = createLogger({ level: 'info', dest: bufferedLogDestination() });
const send = (m: unknown) => process.send?.(m);

if (process.env.LOG_CHILD === 'quiet') {
  log.info('one quiet line');
  setInterval(() => undefined, 60_000);
} else {
  const lines = Number(process.env.LOG_LINES);
  const filler = 'x'.repeat(4000);
  const started = performance.now();
  for (let i = 0; i < lines; i++) log.info({ i, filler }, 'filler');
  send({ wroteMs: performance.now() - started });
  process.on('message', () => {
    log.info('last line');
    process.disconnect();
  });
}
