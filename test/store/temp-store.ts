import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/log.js';
import { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from '../../src/store/sqlite-store.js';
import type { NewJob, StoredEvent } from '../../src/store/store.js';
import type { Json } from '../../src/events/event.js';

/** A fresh directory under the OS temp dir; `cleanup` removes it. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'bridge-store-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Opens a real store file in `dir` with a settable clock. */
export function openTemp(dir: string, clock: { now: () => number }, extra: Partial<SqliteStoreOptions> = {}): SqliteStore {
  const store = openSqliteStore({ dir, now: clock.now, log: silentLogger(), ...extra });
  clocks.set(store, extra.now ?? clock.now);
  return store;
}

/** Each temp store's clock: planAll plans at its time, as the planner would. */
const clocks = new WeakMap<SqliteStore, () => number>();

export function storedEvent(id: string, receivedAt = 0): StoredEvent {
  return { id, type: 'user.visited', name: 'User Visits Server', payload: `{"id":"${id}"}`, rulesVersion: 'v1', receivedAt };
}

/** Jobs for `eventId`, one per entry, as the rules would plan them. */
export function jobsFor(eventId: string, specs: readonly { destination?: string; kind?: string; rule?: string; request?: Json }[]): NewJob[] {
  return specs.map((s, index) => {
    const rule = s.rule ?? 'r';
    return {
      id: `${eventId}:${rule}:${index}`,
      eventId,
      rule,
      actionIndex: index,
      destination: s.destination ?? 'dest',
      kind: s.kind ?? 'fake',
      request: s.request ?? { n: index },
    };
  });
}

/**
 * Plans every unplanned event as the planner would commit it: the jobs given for its id (none for
 * the others), due at `now` (the store's clock). Returns how many events it planned.
 */
export async function planAll(store: SqliteStore, jobsById: Readonly<Record<string, readonly NewJob[]>> = {}, now = clocks.get(store)?.() ?? 0): Promise<number> {
  const rows = await store.planner.unplanned(100_000);
  await store.planner.commitPlans({
    events: rows.map((r) => ({ seq: r.seq, eventId: r.id, decision: { rulesVersion: 'v1', plannedAt: now, summary: 'test', rules: [] }, jobs: jobsById[r.id] ?? [] })),
    state: [],
    now,
  });
  return rows.length;
}

/** Stores one event and plans it with the given jobs (as intake and planner do) and returns the job ids. */
export async function seed(store: SqliteStore, eventId: string, specs: Parameters<typeof jobsFor>[1], receivedAt = 0): Promise<string[]> {
  const jobs = jobsFor(eventId, specs);
  const r = await store.accept(storedEvent(eventId, receivedAt));
  if (r !== 'accepted') throw new Error(`seed ${eventId}: ${r}`);
  await planAll(store, { [eventId]: jobs });
  return jobs.map((j) => j.id);
}
