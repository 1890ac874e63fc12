import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/store.js';
import { freshStores, jobsFor, planAll, storedEvent, type FreshStoreOptions, type OpenFreshStore } from './fresh-store.js';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/** The intake (src/store/store.ts IntakeStore): durable accept, dedupe by event id, close. */
export function intakeContract(openFresh: OpenFreshStore): void {
  describe('intake', () => {
    const stores = freshStores(openFresh);
    let t: number;
    const clock = { now: () => t };
    const open = async (extra: Partial<FreshStoreOptions> = {}) => stores.open({ ...clock, ...extra });

    beforeEach(() => {
      t = 1_700_000_000_000;
    });
    afterEach(() => stores.closeAll());

    it('keeps accepted events and jobs across close and reopen', async () => {
      const fresh = await open();
      const jobs = jobsFor('e1', [{ destination: 'slack-alerts', request: { text: 'hi' } }, {}]);
      expect(await fresh.store.accept(storedEvent('e1', t))).toBe('accepted');
      await planAll(fresh.store, t, { e1: jobs });
      const second = await fresh.reopen();
      expect(await second.deliveries.getEvent('e1')).toEqual(storedEvent('e1', t));
      expect((await second.deliveries.jobsForEvent('e1')).map((j) => [j.id, j.destination, j.request, j.status, j.attempts, j.nextAt])).toEqual([
        ['e1:r:0', 'slack-alerts', { text: 'hi' }, 'pending', 0, t],
        ['e1:r:1', 'dest', { n: 1 }, 'pending', 0, t],
      ]);
      // So did its dedupe: the stored event is its own record.
      expect(await second.accept(storedEvent('e1', t))).toBe('duplicate');
    });

    it('answers duplicate for an event id it has stored, whatever its age, and stores nothing new', async () => {
      const { store } = await open();
      await store.accept(storedEvent('e1', t));
      await planAll(store, t, { e1: jobsFor('e1', [{}]) });
      t += 10 * WEEK_MS;
      expect(await store.accept(storedEvent('e1', t))).toBe('duplicate');
      expect(await store.deliveries.jobsForEvent('e1')).toHaveLength(1);
      expect((await store.deliveries.getEvent('e1'))?.receivedAt).toBe(t - 10 * WEEK_MS);
      expect(await store.planner.unplannedCount()).toBe(0);
    });

    it('handles duplicates inside one batch', async () => {
      const { store } = await open();
      const results = await Promise.all([
        store.accept(storedEvent('e1')),
        store.accept(storedEvent('e1')),
        store.accept(storedEvent('e1')),
        store.accept(storedEvent('e2')),
      ]);
      expect(results).toEqual(['accepted', 'duplicate', 'duplicate', 'accepted']);
      expect((await store.planner.unplanned(10)).map((e) => e.id)).toEqual(['e1', 'e2']);
    });

    it('remembers the id of an event pruned before the window ended, until the window ends', async () => {
      const { store } = await open({ dedupeWindowMs: 1000 });
      const received = t;
      await store.accept(storedEvent('e1', received));
      await planAll(store, t);
      t += 100;
      expect(await store.pruneHistory(t)).toBe(1);
      expect(await store.deliveries.getEvent('e1')).toBeUndefined();
      t = received + 999;
      expect(await store.accept(storedEvent('e1', t))).toBe('duplicate');
      t = received + 1000;
      expect(await store.accept(storedEvent('e1', t))).toBe('accepted');
      // The new event is planned, though the pruned one was planned already.
      expect((await store.planner.unplanned(10)).map((e) => e.id)).toEqual(['e1']);
    });

    it('does not remember the id of an event pruned after the window', async () => {
      const { store } = await open({ dedupeWindowMs: 1000 });
      await store.accept(storedEvent('e1', t));
      await planAll(store, t);
      t += 1000;
      expect(await store.pruneHistory(t)).toBe(1);
      expect(await store.accept(storedEvent('e1', t))).toBe('accepted');
    });

    it('forgets remembered ids older than the window', async () => {
      const { store } = await open({ dedupeWindowMs: 1000 });
      await store.accept(storedEvent('old', t));
      t += 600;
      await store.accept(storedEvent('new', t));
      await planAll(store, t);
      expect(await store.pruneHistory(t + 1)).toBe(2);
      t += 500;
      expect(await store.pruneDedupe(t)).toBe(1);
      expect(await store.pruneDedupe(t)).toBe(0);
      expect(await store.accept(storedEvent('new', t))).toBe('duplicate');
      expect(await store.accept(storedEvent('old', t))).toBe('accepted');
    });

    it('commits queued requests on close, then refuses new ones', async () => {
      const fresh = await open();
      const pending = fresh.store.accept(storedEvent('e1'));
      const closed = fresh.store;
      const reopened = fresh.reopen();
      expect(await pending).toBe('accepted');
      await expect(closed.accept(storedEvent('e2'))).rejects.toThrow('store is closed');
      expect((await (await reopened).deliveries.getEvent('e1'))?.id).toBe('e1');
    });

    it('is writable while open, and not once closed', async () => {
      const fresh = await open();
      const store: Store = fresh.store;
      expect(store.writable()).toBe(true);
      await store.accept(storedEvent('e1'));
      expect(store.writable()).toBe(true);
      await fresh.reopen();
      expect(store.writable()).toBe(false);
    });
  });
}
