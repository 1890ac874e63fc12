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
  return openSqliteStore({ dir, now: clock.now, log: silentLogger(), ...extra });
}

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

/** Stores one event with the given jobs (as the intake does) and returns the job ids. */
export async function seed(store: SqliteStore, eventId: string, specs: Parameters<typeof jobsFor>[1], receivedAt = 0): Promise<string[]> {
  const jobs = jobsFor(eventId, specs);
  const r = await store.accept(storedEvent(eventId, receivedAt), jobs);
  if (r !== 'accepted') throw new Error(`seed ${eventId}: ${r}`);
  return jobs.map((j) => j.id);
}
