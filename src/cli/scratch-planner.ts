import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActiveRules } from '../bridge/active-rules.js';
import { silentLogger } from '../log.js';
import { createPlanner, type Planner } from '../planner/create-planner.js';
import { createDigestFlusher, type DigestFlusher } from '../planner/create-digest-flusher.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite-store.js';

/** A real store and planner in a throw-away folder, on a clock the caller sets. */
export interface ScratchPlanner {
  readonly store: SqliteStore;
  readonly planner: Planner;
  /** Not started: call its `flush` to turn closed digest windows into jobs. */
  readonly digests: DigestFlusher;
  /** What the store and planner see as now (ms). */
  setClock(at: number): void;
}

/**
 * Runs `use` with the real planner (rules, memory, cooldowns, quiet hours exactly as `bridge serve`)
 * over an empty SQLite store in a temp folder, started and removed around it. Nothing is sent:
 * there is no dispatcher. For `bridge test` steps and `bridge backtest`.
 */
export async function withScratchPlanner<T>(rules: ActiveRules, startAt: number, use: (s: ScratchPlanner) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'bridge-scratch-'));
  let clock = startAt;
  const now = (): number => clock;
  const log = silentLogger();
  const store = openSqliteStore({ dir, now, log });
  const planner = createPlanner({ store: store.planner, rules: () => rules, now, log });
  const digests = createDigestFlusher({ store: store.digests, rules: () => rules, now, log });
  try {
    planner.start();
    return await use({ store, planner, digests, setClock: (at) => void (clock = at) });
  } finally {
    await planner.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
