import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LeaseStore } from '../../../src/store/lease-store.js';

/** A fresh, empty store's leases, and how to close it. */
export type OpenLeases = () => Promise<{ readonly leases: LeaseStore; readonly close: () => Promise<void> | void }>;

/** The lease contract (src/store/lease-store.ts), the same on every engine. */
export function describeLeaseContract(engine: string, open: OpenLeases): void {
  describe(`${engine}: leases`, () => {
    let leases: LeaseStore;
    let close: () => Promise<void> | void;
    const T = 1_700_000_000_000;

    beforeEach(async () => {
      ({ leases, close } = await open());
    });
    afterEach(async () => {
      await close();
    });

    it.each([
      {
        what: 'a free lease is taken, and renewing it is not taking it again',
        steps: [
          { owner: 'a', names: ['lane:x', 'lane:y'], at: T, held: ['lane:x', 'lane:y'], taken: ['lane:x', 'lane:y'] },
          { owner: 'a', names: ['lane:x', 'lane:y'], at: T + 5_000, held: ['lane:x', 'lane:y'], taken: [] },
        ],
      },
      {
        what: 'a lease held by another owner is refused until it expires, then taken',
        steps: [
          { owner: 'a', names: ['lane:x'], at: T, held: ['lane:x'], taken: ['lane:x'] },
          { owner: 'b', names: ['lane:x', 'lane:y'], at: T + 14_999, held: ['lane:y'], taken: ['lane:y'] },
          { owner: 'b', names: ['lane:x', 'lane:y'], at: T + 15_000, held: ['lane:x', 'lane:y'], taken: ['lane:x'] },
          // The old owner, back after a stall, finds the lane gone.
          { owner: 'a', names: ['lane:x'], at: T + 15_001, held: [], taken: [] },
        ],
      },
      {
        what: 'an owner whose own lease lapsed takes it again (its work is recovered as taken)',
        steps: [
          { owner: 'a', names: ['lane:x'], at: T, held: ['lane:x'], taken: ['lane:x'] },
          { owner: 'a', names: ['lane:x'], at: T + 20_000, held: ['lane:x'], taken: ['lane:x'] },
        ],
      },
      {
        what: 'a name asked for twice is one lease',
        steps: [{ owner: 'a', names: ['lane:x', 'lane:x'], at: T, held: ['lane:x'], taken: ['lane:x'] }],
      },
    ])('$what', async ({ steps }) => {
      for (const s of steps) {
        const grant = await leases.acquire(s.names, s.owner, 15_000, s.at);
        expect({ held: [...grant.held].sort(), taken: [...grant.taken].sort() }).toEqual({ held: s.held, taken: s.taken });
      }
    });

    it('lists every lease with its owner and expiry; release frees only the releasing owner\'s', async () => {
      await leases.acquire(['lane:x'], 'a', 15_000, T);
      await leases.acquire(['lane:y'], 'b', 15_000, T + 1);
      await leases.release(['lane:x', 'lane:y'], 'a');
      expect(await leases.list()).toEqual([{ name: 'lane:y', owner: 'b', expiresAt: T + 15_001 }]);
      // Released: another owner takes it at once, without waiting for it to expire.
      expect((await leases.acquire(['lane:x'], 'b', 15_000, T + 2)).taken).toEqual(['lane:x']);
    });

    it('gives a contested lease to exactly one of two owners asking at once', async () => {
      const [a, b] = await Promise.all([leases.acquire(['lane:x'], 'a', 15_000, T), leases.acquire(['lane:x'], 'b', 15_000, T)]);
      expect([...a.held, ...b.held]).toEqual(['lane:x']);
    });
  });
}
