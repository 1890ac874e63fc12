import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/store.js';
import { freshStores, jobsFor, planAll, seed, storedEvent, type OpenFreshStore } from './fresh-store.js';

/** History: pruning (Store.pruneHistory), the backtest's reader (HistoryReader) and `bridge forget` (ForgetPerson). */
export function historyContract(openFresh: OpenFreshStore): void {
  describe('history', () => {
    const stores = freshStores(openFresh);
    let store: Store;
    const now = 1_000_000;

    beforeEach(async () => {
      store = (await stores.open({ now: () => now })).store;
    });
    afterEach(() => stores.closeAll());

    /** Finishes (done) every job of the given events. */
    async function finishAll(...eventIds: string[]): Promise<void> {
      const ids = (await Promise.all(eventIds.map((e) => store.deliveries.jobsForEvent(e)))).flat().map((j) => j.id);
      const claimed = (await store.queue.claimDue(now, 1000)).map((j) => j.id);
      await store.queue.settle(claimed.filter((id) => ids.includes(id)).map((id) => ({ id, to: 'done' as const })), now);
      await store.queue.release(claimed.filter((id) => !ids.includes(id)), now, now);
    }

    it('pruneHistory deletes old events whose jobs are all finished, with their jobs, and keeps the rest', async () => {
      await seed(store, now, 'old-done', [{}, {}], 100);
      await seed(store, now, 'old-live', [{}], 100);
      await seed(store, now, 'old-no-jobs', [], 100);
      await seed(store, now, 'new-done', [{}], 900_000);
      await finishAll('old-done', 'new-done');

      expect(await store.pruneHistory(500_000)).toBe(2);
      expect(await store.pruneHistory(500_000)).toBe(0);

      expect(await store.deliveries.getEvent('old-done')).toBeUndefined();
      expect(await store.deliveries.jobsForEvent('old-done')).toEqual([]);
      expect(await store.planner.decisionOf('old-done')).toBeUndefined();
      expect(await store.deliveries.getEvent('old-no-jobs')).toBeUndefined();
      expect((await store.deliveries.getEvent('old-live'))?.id).toBe('old-live');
      expect((await store.deliveries.jobsForEvent('old-live')).map((j) => j.status)).toEqual(['pending']);
      expect((await store.deliveries.getEvent('new-done'))?.id).toBe('new-done');
    });

    it('pruneHistory deletes at most `limit` events a call, and never an unplanned one', async () => {
      for (let i = 0; i < 5; i++) await seed(store, now, `e${i}`, [], 100);
      await store.accept(storedEvent('unplanned', 100));
      expect([await store.pruneHistory(500_000, 2), await store.pruneHistory(500_000, 2), await store.pruneHistory(500_000, 2), await store.pruneHistory(500_000, 2)]).toEqual([2, 2, 1, 0]);
      expect((await store.planner.unplanned(10)).map((e) => e.id)).toEqual(['unplanned']);
    });

    it('reads events and first-planned jobs received in [since, until), in arrival order, without replays', async () => {
      await seed(store, now, 'a', [{ rule: 'vip', destination: 'slack' }], 100);
      await seed(store, now, 'b', [{ rule: 'sync', destination: 'crm' }, { rule: 'sync', destination: 'crm' }], 200);
      await seed(store, now, 'c', [{}], 300);
      const claimed = await store.queue.claimDue(now, 10);
      await store.queue.settle(claimed.map((j) => ({ id: j.id, to: 'dead' as const, reason: 'x' })), now);
      expect((await store.deliveries.requeue(['a:vip:0'], now)).requeued).toEqual([{ from: 'a:vip:0', to: 'a:vip:0#r1' }]);
      expect(await store.history.eventsBetween(100, 300)).toEqual([storedEvent('a', 100), storedEvent('b', 200)]);
      expect(await store.history.jobsBetween(100, 300)).toEqual([
        { eventId: 'a', rule: 'vip', destination: 'slack' },
        { eventId: 'b', rule: 'sync', destination: 'crm' },
        { eventId: 'b', rule: 'sync', destination: 'crm' },
      ]);
      expect(await store.history.eventsBetween(301, 400)).toEqual([]);
    });

    it('forgets a person: their events, jobs, decisions, memory and digest items; the others stay', async () => {
      const event = (id: string, user: { id: string | number; email: string }) => ({ ...storedEvent(id, 100), payload: JSON.stringify({ user }) });
      await store.accept(event('j1', { id: '7', email: 'Jane@Example.com' }));
      await store.accept(event('j2', { id: 7, email: 'jane@example.com' }));
      await store.accept(event('b1', { id: '8', email: 'bob@example.org' }));
      const rows = await store.planner.unplanned(10);
      await store.planner.commitPlans({
        events: rows.map((r) => ({
          seq: r.seq, eventId: r.id, decision: { rulesVersion: 'v', plannedAt: 0, summary: 's', rules: [] }, jobs: jobsFor(r.id, [{}]),
          ...(r.id === 'j2' && { digestItems: [{ rule: 'd', key: 'k', windowStart: 0, windowEnd: 3_600_000, item: { name: 'Jane' } }] }),
        })),
        state: [
          { scope: 'activity', key: 'user.email|jane@example.com', value: 2, expiresAt: null },
          { scope: 'cooldown', key: 'vip|7', value: 1, expiresAt: null },
          { scope: 'cooldown', key: 'vip|77', value: 1, expiresAt: null },
          { scope: 'activity', key: 'user.email|bob@example.org', value: 1, expiresAt: null },
        ],
        now: 0,
      });
      await store.queue.remember([{ key: 'crm\u0000note:jane@example.com', value: 'n1', expiresAt: null }]);
      const r = await store.forgetPerson({ email: 'JANE@example.com' });
      expect({ ...r, identities: [...r.identities].sort() }).toEqual({ identities: ['7', 'jane@example.com'], events: 2, jobs: 2, decisions: 2, state: 3, dedupe: 0, digestItems: 1 });
      expect(await store.deliveries.getEvent('j1')).toBeUndefined();
      expect((await store.deliveries.listEvents()).map((e) => e.id)).toEqual(['b1']);
      expect((await store.planner.readState([{ scope: 'cooldown', key: 'vip|77' }, { scope: 'activity', key: 'user.email|bob@example.org' }])).map((s) => s.key)).toEqual(['vip|77', 'user.email|bob@example.org']);
      expect(await store.digests.closedWindows(3_600_000, 10)).toEqual([]);
      expect(await store.forgetPerson({ userId: 'nobody' })).toEqual({ identities: ['nobody'], events: 0, jobs: 0, decisions: 0, state: 0, dedupe: 0, digestItems: 0 });
      expect(await planAll(store, 0)).toBe(0);
    });
  });
}
