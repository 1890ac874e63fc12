import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventDecision, PlannedEvent, UnplannedEvent } from '../../../src/store/planner-store.js';
import type { Store } from '../../../src/store/store.js';
import { freshStores, jobsFor, planAll, storedEvent, type OpenFreshStore } from './fresh-store.js';

const decision = (summary: string, plannedAt = 0): EventDecision => ({ rulesVersion: 'v', plannedAt, summary, rules: [] });
const planned = (e: UnplannedEvent | undefined, extra: Partial<PlannedEvent> = {}): PlannedEvent => ({ seq: e?.seq ?? 0, eventId: e?.id ?? '', decision: decision('s'), jobs: [], ...extra });

/** The planner's store (src/store/planner-store.ts): arrival order, all-or-nothing plans, state, decisions. */
export function plannerContract(openFresh: OpenFreshStore): void {
  describe('planner store', () => {
    const stores = freshStores(openFresh);
    let store: Store;

    beforeEach(async () => {
      store = (await stores.open({ now: () => 1_000 })).store;
    });
    afterEach(() => stores.closeAll());

    it('gives unplanned events in arrival order, at most `limit`, and counts them', async () => {
      for (const id of ['b', 'a', 'c']) await store.accept(storedEvent(id, 5));
      expect((await store.planner.unplanned(2)).map((e) => [e.id, e.payload, e.rulesVersion, e.receivedAt])).toEqual([['b', '{"id":"b"}', 'v1', 5], ['a', '{"id":"a"}', 'v1', 5]]);
      expect(await store.planner.unplannedCount()).toBe(3);
      const all = await store.planner.unplanned(10);
      expect(all.map((e) => e.id)).toEqual(['b', 'a', 'c']);
      expect(all[0]!.seq < all[1]!.seq && all[1]!.seq < all[2]!.seq).toBe(true);
      expect((await store.planner.eventsAt([all[2]!.seq, all[0]!.seq, -1])).map((e) => e.id).sort()).toEqual(['b', 'c']);
    });

    it('refuses a batch that was planned already or that skips an event, and stores none of it', async () => {
      await store.accept(storedEvent('e1'));
      await store.accept(storedEvent('e2'));
      const [first, second] = await store.planner.unplanned(10);
      await expect(store.planner.commitPlans({ events: [planned(second, { jobs: jobsFor('e2', [{}]) })], state: [], now: 0 })).rejects.toThrow(
        `plan batch ${second?.seq}..${second?.seq} passes over unplanned event ${first?.seq}`,
      );
      expect(await store.deliveries.jobsForEvent('e2')).toEqual([]);
      expect(await store.planner.decisionOf('e2')).toBeUndefined();
      expect(await planAll(store, 0)).toBe(2);
      await expect(store.planner.commitPlans({ events: [planned(first)], state: [{ scope: 'a', key: 'k', value: 1, expiresAt: null }], now: 0 })).rejects.toThrow(
        `plan batch ${first?.seq}..${first?.seq} holds an event that is planned already or not stored`,
      );
      expect(await store.planner.readState([{ scope: 'a', key: 'k' }])).toEqual([]);
      expect(await store.planner.unplannedCount()).toBe(0);
    });

    it('commits jobs, state and decisions together; records each decision and upserts and deletes state', async () => {
      await store.accept(storedEvent('e1'));
      await store.accept(storedEvent('e2'));
      const [e1, e2] = await store.planner.unplanned(10);
      const d1: EventDecision = { rulesVersion: 'v2', plannedAt: 10, summary: 'matched vip', rules: [{ rule: 'vip', outcome: 'matched' }, { rule: 'count', outcome: 'missed', reason: 'condition failed', explanation: { test: 'x', passed: false } }] };
      await store.planner.commitPlans({
        events: [planned(e1, { decision: d1, jobs: [{ ...jobsFor('e1', [{ rule: 'vip' }])[0]!, dueAt: 5_000 }] })],
        state: [{ scope: 'activity', key: 'u1', value: { n: 1 }, expiresAt: null }, { scope: 'crm_retry', key: 'e1', value: 1, expiresAt: 900 }],
        now: 10,
      });
      expect(await store.planner.decisionOf('e1')).toEqual(d1);
      expect((await store.deliveries.jobsForEvent('e1')).map((j) => [j.id, j.status, j.nextAt, j.createdAt])).toEqual([['e1:vip:0', 'pending', 5_000, 10]]);
      await store.planner.commitPlans({
        events: [planned(e2, { decision: decision('no match', 20) })],
        state: [{ scope: 'activity', key: 'u1', value: { n: 2 }, expiresAt: 9_000 }],
        deleted: [{ scope: 'crm_retry', key: 'e1' }, { scope: 'crm_retry', key: 'never-there' }],
        now: 20,
      });
      expect(await store.planner.readState([{ scope: 'activity', key: 'u1' }, { scope: 'activity', key: 'nobody' }])).toEqual([{ scope: 'activity', key: 'u1', value: { n: 2 }, expiresAt: 9_000 }]);
      expect(await store.planner.readScope('crm_retry')).toEqual([]);
      expect(await store.planner.decisionOf('e2')).toEqual(decision('no match', 20));
      expect(await store.planner.decisionOf('nope')).toBeUndefined();
    });

    it('adds the jobs of an event planned again and replaces its decision', async () => {
      await store.accept(storedEvent('e1'));
      const [e1] = await store.planner.unplanned(1);
      await store.planner.commitPlans({ events: [planned(e1, { decision: decision('waiting for the CRM'), jobs: jobsFor('e1', [{ rule: 'a' }]) })], state: [{ scope: 'crm_retry', key: 'e1', value: 1, expiresAt: null }], now: 0 });
      expect(await store.planner.readScope('crm_retry')).toEqual([{ scope: 'crm_retry', key: 'e1', value: 1, expiresAt: null }]);
      const again = jobsFor('e1', [{ rule: 'b' }]).map((j) => ({ ...j, id: 'e1:b:1', actionIndex: 1 }));
      await store.planner.commitPlans({ events: [], replanned: [planned(e1, { decision: decision('matched a, b'), jobs: again })], state: [], deleted: [{ scope: 'crm_retry', key: 'e1' }], now: 0 });
      expect((await store.deliveries.jobsForEvent('e1')).map((j) => j.id)).toEqual(['e1:a:0', 'e1:b:1']);
      expect((await store.planner.decisionOf('e1'))?.summary).toBe('matched a, b');
      expect(await store.planner.readScope('crm_retry')).toEqual([]);
    });

    it('prunes state records once they expire', async () => {
      await store.accept(storedEvent('e1'));
      const [e] = await store.planner.unplanned(1);
      await store.planner.commitPlans({
        events: [planned(e)],
        state: [{ scope: 'a', key: 'soon', value: 1, expiresAt: 500 }, { scope: 'a', key: 'later', value: 2, expiresAt: 900 }, { scope: 'a', key: 'never', value: 3, expiresAt: null }],
        now: 0,
      });
      expect(await store.planner.pruneState(500)).toBe(1);
      expect((await store.planner.readState(['soon', 'later', 'never'].map((key) => ({ scope: 'a', key })))).map((r) => r.key).sort()).toEqual(['later', 'never']);
    });
  });
}
