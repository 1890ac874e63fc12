import { silentLogger } from '../../src/log.js';
import { openPgStore, type PgStore } from '../../src/store/pg/pg-store.js';
import { freshDatabase } from '../pg/fresh-database.js';
import { describeStoreContract } from './contract/describe-store-contract.js';

/** The store contract on PostgreSQL: each store on a database of its own in the run's cluster. */
describeStoreContract('PostgreSQL', async ({ now, dedupeWindowMs }) => {
  const db = await freshDatabase();
  const open = () => openPgStore({ url: db.url, now, log: silentLogger(), poolSize: 4, ...(dedupeWindowMs !== undefined && { dedupeWindowMs }) });
  let store: PgStore = await open();
  return {
    get store() {
      return store;
    },
    async reopen() {
      await store.close();
      store = await open();
      return store;
    },
    async close() {
      await store.close();
      await db.drop();
    },
  };
});
