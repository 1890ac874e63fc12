/**
 * `npm run bench:durable`: what durability costs the event loop, at a fixed rate (issue 11's ack
 * p99 at 1,000 events/s). Two intakes in the same run, on the same disk, each accepting BENCH_RATE
 * events a second (default 1,000) for BENCH_SECONDS (default 5), evenly spaced, while a timer
 * measures how long the loop is held up (what every other request in the process waits for):
 *
 * - fsync at commit: the intake on a `synchronous=FULL` connection, as the store ran before: each
 *   group commit fsyncs the WAL inside the transaction, on the event loop;
 * - fsync after commit: the store as it is (`openSqliteStore`): `synchronous=NORMAL`, then the
 *   WAL is fsynced on libuv's thread pool and the batch is acknowledged when that is done.
 *
 * Both acknowledge an event only once it is on disk. Prints ack p50/p99 and the loop's delay p99/max.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { silentLogger } from '../src/log.js';
import { migrate } from '../src/store/sqlite-migrations.js';
import { createSqliteIntake } from '../src/store/sqlite-intake.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import type { IntakeStore, StoredEvent } from '../src/store/store.js';
import { percentile } from './paced-load.js';
import { VISIT_PAYLOAD } from './visit-payload.js';

const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const PAYLOAD = VISIT_PAYLOAD;

interface Measured {
  readonly acks: number[];
  readonly loopP99: number;
  readonly loopMax: number;
}

let seq = 0;
const event = (): StoredEvent => ({ id: `msg_${seq++}`, type: 'user.visited', name: 'User Visits Server', payload: PAYLOAD, rulesVersion: 'v', receivedAt: Date.now() });

/** Accepts RATE events a second for SECONDS, each due at start + i/RATE; ack latency from its due time. */
async function paced(intake: IntakeStore): Promise<Measured> {
  const total = RATE * SECONDS;
  const acks: number[] = [];
  const pending: Promise<void>[] = [];
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * RATE) / 1000) + 1);
      while (sent < due) {
        const at = start + (sent * 1000) / RATE;
        pending.push(intake.accept(event()).then(() => void acks.push(performance.now() - at)));
        sent += 1;
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  await Promise.all(pending);
  loop.disable();
  return { acks, loopP99: loop.percentile(99) / 1e6, loopMax: loop.max / 1e6 };
}

async function fsyncAtCommit(dir: string): Promise<Measured> {
  mkdirSync(dir, { recursive: true });
  const db = new Database(join(dir, 'full.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  migrate(db);
  const intake = createSqliteIntake({ db, now: Date.now, log: silentLogger(), dedupeWindowMs: 7 * 86_400_000 });
  try {
    return await paced(intake);
  } finally {
    db.close();
  }
}

async function fsyncAfterCommit(dir: string): Promise<Measured> {
  const store = openSqliteStore({ dir: join(dir, 'store'), now: Date.now, log: silentLogger() });
  try {
    return await paced(store);
  } finally {
    store.close();
  }
}

const row = (name: string, m: Measured): string =>
  `${name.padEnd(22)} ${percentile(m.acks, 50).toFixed(1).padStart(8)} ${percentile(m.acks, 99).toFixed(1).padStart(8)} ${m.loopP99.toFixed(1).padStart(10)} ${m.loopMax.toFixed(1).padStart(10)}`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-durable-'));
  try {
    // Interleaved twice, so a noisy spell weighs on both alike; the second of each is reported.
    await fsyncAtCommit(join(dir, 'warm-a'));
    await fsyncAfterCommit(join(dir, 'warm-b'));
    const before = await fsyncAtCommit(dir);
    const after = await fsyncAfterCommit(dir);
    process.stdout.write(
      [
        `durable intake at a fixed ${RATE} events/s for ${SECONDS} s (ms; ack from each event's due time)`,
        '',
        `${'intake'.padEnd(22)} ${'ack p50'.padStart(8)} ${'ack p99'.padStart(8)} ${'loop p99'.padStart(10)} ${'loop max'.padStart(10)}`,
        row('fsync at commit', before),
        row('fsync after commit', after),
        '',
        'reproduce: npm run bench:durable   (BENCH_RATE, BENCH_SECONDS)',
        '',
      ].join('\n'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
