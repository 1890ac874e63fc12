import { describe } from 'vitest';
import { deliveryQueriesContract } from './delivery-queries-contract.js';
import { digestContract } from './digest-contract.js';
import type { OpenFreshStore } from './fresh-store.js';
import { historyContract } from './history-contract.js';
import { intakeContract } from './intake-contract.js';
import { jobQueueContract } from './job-queue-contract.js';
import { plannerContract } from './planner-contract.js';

export type { FreshStore, FreshStoreOptions, OpenFreshStore } from './fresh-store.js';

/**
 * The store contract (src/store/store.ts `Store`), the same on every engine: an engine's test file
 * calls this with a function that opens a store on empty data of its own. A behaviour one engine
 * has and another lacks fails here. Engine-only matters (SQLite's file, WAL and migrations from
 * old versions; PostgreSQL's processes sharing one database) stay in that engine's own tests.
 *
 * @example
 * describeStoreContract('SQLite', async (opts) => { ... return { store, reopen, close }; });
 */
export function describeStoreContract(engine: string, openFresh: OpenFreshStore): void {
  describe(`${engine} store contract`, () => {
    intakeContract(openFresh);
    plannerContract(openFresh);
    digestContract(openFresh);
    jobQueueContract(openFresh);
    deliveryQueriesContract(openFresh);
    historyContract(openFresh);
  });
}
