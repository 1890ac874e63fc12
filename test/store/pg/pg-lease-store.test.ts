import { describeLeaseContract } from '../contract/lease-contract.js';
import { openTempPgStore } from './temp-pg-store.js';

describeLeaseContract('postgres', async () => {
  const temp = await openTempPgStore({ now: () => 0 });
  return { leases: temp.store.leases, close: () => temp.cleanup() };
});
