import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** A checkpoint's answer (https://www.sqlite.org/pragma.html#pragma_wal_checkpoint): WAL frames, and how many are now in the database file. */
export interface CheckpointResult {
  readonly busy: number;
  readonly log: number;
  readonly checkpointed: number;
}

export interface WalCheckpointer {
  /** Checkpoints run so far (tests, metrics). */
  checkpoints(): number;
  /** The last checkpoint's answer, if one ran. */
  last(): CheckpointResult | undefined;
  /** Runs a last checkpoint, closes the worker's connection, and ends the worker. */
  close(): Promise<void>;
}

export interface WalCheckpointerOptions {
  /** The database file (its WAL is `<file>-wal`). */
  readonly file: string;
  /** How often to checkpoint (default 500 ms). */
  readonly intervalMs?: number;
  /** After each checkpoint. */
  readonly onCheckpoint?: (r: CheckpointResult) => void;
  /** The worker could not start or failed: the caller checkpoints inline again. */
  readonly onFailed: (err: Error) => void;
}

// A CommonJS script: eval workers get `require`, and this needs no file beside the bundle.
const SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.file, { timeout: 0 });
db.pragma('synchronous = NORMAL');
const run = () => {
  const [r] = db.pragma('wal_checkpoint(PASSIVE)');
  parentPort.postMessage({ busy: r.busy, log: r.log, checkpointed: r.checkpointed });
};
const timer = setInterval(run, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  run();
  db.close();
  parentPort.close();
});
`;

/**
 * Checkpoints the WAL on a worker thread, over a connection of its own, so the event loop never
 * pays for it. SQLite's automatic checkpoint runs inside the commit that crosses 1,000 WAL pages and,
 * at `synchronous = NORMAL`, fsyncs the database file there: ~16-20 ms with the loop blocked
 * (measured on this machine's disk), every second or two at 1,000 events/s, which is what a
 * p99 ack latency sees. The caller turns the automatic one off (`wal_autocheckpoint = 0`) while this
 * runs. PASSIVE never waits for or blocks the writer (https://www.sqlite.org/c3ref/wal_checkpoint_v2.html).
 */
export function startWalCheckpointer(opts: WalCheckpointerOptions): WalCheckpointer {
  const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(SCRIPT, { eval: true, workerData: { file: opts.file, sqlite, intervalMs: opts.intervalMs ?? 500 } });
  // The worker must not keep a process alive that has nothing else to do.
  worker.unref();
  let count = 0;
  let last: CheckpointResult | undefined;
  let failed = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('message', (r: CheckpointResult) => {
    count += 1;
    last = r;
    opts.onCheckpoint?.(r);
  });
  worker.on('error', (err) => {
    failed = true;
    opts.onFailed(err);
  });
  let closing: Promise<void> | undefined;
  return {
    checkpoints: () => count,
    last: () => last,
    close() {
      closing ??= (async () => {
        if (!failed) worker.postMessage('close');
        // A worker that does not answer (a checkpoint stuck on I/O) must not hold the shutdown.
        const stuck = setTimeout(() => void worker.terminate(), 5_000);
        await exited;
        clearTimeout(stuck);
      })();
      return closing;
    },
  };
}
