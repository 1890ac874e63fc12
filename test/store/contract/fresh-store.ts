import type { Json } from '../../../src/events/event.js';
import type { Store } from '../../../src/store/store.js';
import type { NewJob, StoredEvent } from '../../../src/store/store.js';

/** What the contract asks of an engine's store when it opens one. */
export interface FreshStoreOptions {
  /** The store's clock (dedupe windows, history pruning). */
  readonly now: () => number;
  /** How long a dedupe key is remembered (the engine's default if unset). */
  readonly dedupeWindowMs?: number;
}

/** A store on empty data of its own (a new file, a new database). */
export interface FreshStore {
  readonly store: Store;
  /** Closes `store` and opens the same data again, as a restarted bridge would. */
  reopen(): Promise<Store>;
  /** Closes what is open and removes the data. */
  close(): Promise<void>;
}

/** How an engine's test file plugs into `describeStoreContract`. */
export type OpenFreshStore = (opts: FreshStoreOptions) => Promise<FreshStore>;

/**
 * Opens fresh stores for one describe block, closing them after each test. `open` (the first
 * store of a test is the one `beforeEach` opened) and `reopen` keep `current` up to date.
 */
export function freshStores(openFresh: OpenFreshStore) {
  const opened: FreshStore[] = [];
  return {
    async open(opts: FreshStoreOptions): Promise<FreshStore> {
      const f = await openFresh(opts);
      opened.push(f);
      return f;
    },
    async closeAll(): Promise<void> {
      for (const f of opened.splice(0)) await f.close();
    },
  };
}

export function storedEvent(id: string, receivedAt = 0): StoredEvent {
  return { id, type: 'user.visited', name: 'User Visits Server', payload: `{"id":"${id}"}`, rulesVersion: 'v1', receivedAt };
}

/** Jobs for `eventId`, one per entry, as the rules would plan them. */
export function jobsFor(eventId: string, specs: readonly { destination?: string; kind?: string; rule?: string; request?: Json }[]): NewJob[] {
  return specs.map((s, index) => {
    const rule = s.rule ?? 'r';
    return { id: `${eventId}:${rule}:${index}`, eventId, rule, actionIndex: index, destination: s.destination ?? 'dest', kind: s.kind ?? 'fake', request: s.request ?? { n: index } };
  });
}

/** Plans every unplanned event at `now` as the planner would: the jobs given for its id, none for the others. */
export async function planAll(store: Pick<Store, 'planner'>, now: number, jobsById: Readonly<Record<string, readonly NewJob[]>> = {}): Promise<number> {
  const rows = await store.planner.unplanned(100_000);
  await store.planner.commitPlans({
    events: rows.map((r) => ({ seq: r.seq, eventId: r.id, decision: { rulesVersion: 'v1', plannedAt: now, summary: 'test', rules: [] }, jobs: jobsById[r.id] ?? [] })),
    state: [],
    now,
  });
  return rows.length;
}

/** Stores one event received at `receivedAt` and plans it at `now` with the given jobs; returns the job ids. */
export async function seed(store: Pick<Store, 'accept' | 'planner'>, now: number, eventId: string, specs: Parameters<typeof jobsFor>[1], receivedAt = 0): Promise<string[]> {
  const jobs = jobsFor(eventId, specs);
  const r = await store.accept(storedEvent(eventId, receivedAt));
  if (r !== 'accepted') throw new Error(`seed ${eventId}: ${r}`);
  await planAll(store, now, { [eventId]: jobs });
  return jobs.map((j) => j.id);
}
