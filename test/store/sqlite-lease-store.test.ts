import { describeLeaseContract } from './contract/lease-contract.js';
import { openTemp, tempDir } from './temp-store.js';

describeLeaseContract('sqlite', async () => {
  const { dir, cleanup } = tempDir();
  const store = openTemp(dir, { now: () => 0 });
  return {
    leases: store.leases,
    close: () => {
      store.close();
      cleanup();
    },
  };
});
