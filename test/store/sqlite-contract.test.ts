import { silentLogger } from '../../src/log.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.js';
import { describeStoreContract } from './contract/describe-store-contract.js';
import { tempDir } from './temp-store.js';

// The store contract on SQLite: each store a file in a temp folder of its own.
describeStoreContract('SQLite', async (opts) => {
  const { dir, cleanup } = tempDir();
  const open = (): SqliteStore => openSqliteStore({ dir, now: opts.now, log: silentLogger(), ...(opts.dedupeWindowMs !== undefined && { dedupeWindowMs: opts.dedupeWindowMs }) });
  let store = open();
  return {
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = open();
      return store;
    },
    async close() {
      await store.close();
      cleanup();
    },
  };
});
