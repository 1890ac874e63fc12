import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/store.js';
import { freshStores, jobsFor, seed, storedEvent, type OpenFreshStore } from './fresh-store.js';

/** The operator queries and replays (src/store/delivery-queries.ts). */
export function deliveryQueriesContract(openFresh: OpenFreshStore): void {
  describe('delivery queries', () => {
    const stores = freshStores(openFresh);
    let t: number;
    let store: Store;
    const clock = { now: () => t };

    beforeEach(async () => {
      t = 1_000_000;
      store = (await stores.open(clock)).store;
    });
    afterEach(() => stores.closeAll());

    /** Runs the given jobs to the given final statuses through the queue, as the dispatcher would. */
    async function finish(results: Record<string, 'done' | 'dead' | 'ambiguous'>): Promise<void> {
      const claimed = (await store.queue.claimDue(t, 1000)).map((j) => j.id);
      await store.queue.settle(
        claimed.filter((id) => results[id] !== undefined).map((id) => {
          const to = results[id];
          return to === 'done' ? { id, to } : { id, to: to ?? 'dead', reason: `${to} reason` };
        }),
        t,
      );
      await store.queue.release(claimed.filter((id) => results[id] === undefined), t, t);
    }

    describe('listEvents', () => {
      it('lists newest events first with their jobs, optionally only those with a job in a status', async () => {
        await seed(store, t, 'e1', [{}, {}], t);
        t += 1;
        await store.accept(storedEvent('e2', t));
        t += 1;
        await seed(store, t, 'e3', [{}], t);
        await finish({ 'e1:r:1': 'dead', 'e3:r:0': 'done' });

        const all = await store.deliveries.listEvents();
        expect(all.map((e) => [e.id, e.jobs.map((j) => `${j.id}=${j.status}`)])).toEqual([
          ['e3', ['e3:r:0=done']],
          ['e2', []],
          ['e1', ['e1:r:0=pending', 'e1:r:1=dead']],
        ]);
        expect((await store.deliveries.listEvents({ status: 'dead' })).map((e) => e.id)).toEqual(['e1']);
        expect((await store.deliveries.listEvents({ limit: 1 })).map((e) => e.id)).toEqual(['e3']);
      });
    });

    describe('listEvents filters', () => {
      /** e1: jane visits, rule vip matched, its job dead; e2: bob joins, no match; e3: jane (id 7) visits, vip suppressed. */
      async function seedStories(): Promise<void> {
        const stories = [
          { id: 'e1', type: 'user.visited', user: { id: '7', email: 'Jane@Example.com' }, rules: [{ rule: 'vip', outcome: 'matched' as const }], jobs: jobsFor('e1', [{ rule: 'vip' }]) },
          { id: 'e2', type: 'user.joined', user: { id: 8, email: 'bob@example.org' }, rules: [{ rule: 'count', outcome: 'missed' as const, reason: 'condition failed' }], jobs: [] },
          { id: 'e3', type: 'user.visited', user: { id: '7', email: 'jane@example.com' }, rules: [{ rule: 'vip', outcome: 'suppressed' as const, reason: 'cooldown', until: 5 }], jobs: [] },
        ];
        for (const s of stories) {
          t += 1000;
          await store.accept({ ...storedEvent(s.id, t), type: s.type, payload: JSON.stringify({ user: s.user }) });
          const [row] = await store.planner.unplanned(1);
          await store.planner.commitPlans({ events: [{ seq: row!.seq, eventId: s.id, decision: { rulesVersion: 'v1', plannedAt: t, summary: '', rules: s.rules }, jobs: s.jobs }], state: [], now: t });
        }
        await finish({ 'e1:vip:0': 'dead' });
      }

      it.each([
        [{}, ['e3', 'e2', 'e1']],
        [{ type: 'user.visited' }, ['e3', 'e1']],
        [{ user: 'JANE@example.com' }, ['e3', 'e1']],
        [{ user: '8' }, ['e2']],
        [{ rule: 'vip' }, ['e3', 'e1']],
        [{ rule: 'count' }, ['e2']],
        [{ outcome: 'matched' }, ['e1']],
        [{ outcome: 'suppressed' }, ['e3']],
        [{ outcome: 'no_match' }, ['e3', 'e2']],
        [{ outcome: 'failed' }, ['e1']],
        [{ since: 1_002_000 }, ['e3', 'e2']],
        [{ until: 1_002_000 }, ['e1']],
        [{ type: 'user.visited', outcome: 'no_match' }, ['e3']],
        [{ limit: 1, offset: 1 }, ['e2']],
        [{ status: 'dead' }, ['e1']],
      ] as const)('%j → %j', async (filter, ids) => {
        await seedStories();
        expect((await store.deliveries.listEvents(filter)).map((e) => e.id)).toEqual(ids);
      });
    });

    describe('jobs by id', () => {
      it("finds each job under its own event when one event's id looks like another's job id", async () => {
        await seed(store, t, 'x', [{ request: { of: 'x' } }]);
        await seed(store, t, 'x:r:0', [{ request: { of: 'x:r:0' } }]);
        expect((await store.deliveries.getJob('x:r:0'))?.request).toEqual({ of: 'x' });
        expect((await store.deliveries.getJob('x:r:0:r:0'))?.request).toEqual({ of: 'x:r:0' });
        expect((await store.deliveries.jobsForEvent('x')).map((j) => j.id)).toEqual(['x:r:0']);
        expect((await store.deliveries.jobsForEvent('x:r:0')).map((j) => j.id)).toEqual(['x:r:0:r:0']);
        await finish({ 'x:r:0:r:0': 'dead' });
        expect((await store.deliveries.getJob('x:r:0'))?.status).toBe('pending');
        expect((await store.deliveries.getJob('x:r:0:r:0'))?.status).toBe('dead');
        expect(await store.deliveries.getJob('no-such-job')).toBeUndefined();
      });
    });

    describe('dead letters and replay', () => {
      it('replays a dead job as a new job with the same plan key, and lists it dead no more', async () => {
        await seed(store, t, 'e1', [{ request: { text: 'as planned' } }, {}]);
        await finish({ 'e1:r:0': 'dead', 'e1:r:1': 'dead' });
        expect((await store.deliveries.listDead()).map((j) => [j.id, j.lastError])).toEqual([
          ['e1:r:1', 'dead reason'],
          ['e1:r:0', 'dead reason'],
        ]);

        t += 50;
        expect(await store.deliveries.requeue(['e1:r:0', 'e1:r:0', 'nope'], t)).toEqual({
          requeued: [{ from: 'e1:r:0', to: 'e1:r:0#r1' }],
          skipped: [
            { id: 'e1:r:0', reason: 'already replayed as e1:r:0#r1' },
            { id: 'nope', reason: 'not found' },
          ],
        });
        const replay = await store.deliveries.getJob('e1:r:0#r1');
        expect(replay).toMatchObject({
          planKey: 'e1:r:0', replayOf: 'e1:r:0', status: 'pending', attempts: 0, nextAt: t,
          request: { text: 'as planned' }, lastError: null,
        });
        // The original keeps its record; only the unreplayed one is still a dead letter.
        expect((await store.deliveries.getJob('e1:r:0'))?.status).toBe('dead');
        expect((await store.deliveries.listDead()).map((j) => j.id)).toEqual(['e1:r:1']);
        expect((await store.deliveries.requeue(['e1:r:0#r1'], t)).skipped).toEqual([{ id: 'e1:r:0#r1', reason: 'already pending' }]);

        await finish({ 'e1:r:0#r1': 'dead' });
        expect((await store.deliveries.requeue(['e1:r:0#r1'], t)).requeued).toEqual([{ from: 'e1:r:0#r1', to: 'e1:r:0#r2' }]);
      });

      it('enqueues jobs re-planned with the current rules', async () => {
        await seed(store, t, 'e1', [{}, {}]);
        await finish({ 'e1:r:0': 'done' });
        const replanned = jobsFor('e1', [{ request: { text: 'new rules' } }, {}, {}]);
        expect(await store.deliveries.enqueueReplay(replanned, t)).toEqual({
          requeued: [{ from: 'e1:r:0', to: 'e1:r:0#r1' }, { from: null, to: 'e1:r:2' }],
          skipped: [{ id: 'e1:r:1', reason: 'already pending' }],
        });
        expect((await store.deliveries.getJob('e1:r:0#r1'))?.request).toEqual({ text: 'new rules' });
        expect((await store.deliveries.getJob('e1:r:2'))?.replayOf).toBeNull();
      });

      it('counts jobs by status', async () => {
        await seed(store, t, 'e1', [{}, {}, {}, {}]);
        await finish({ 'e1:r:0': 'done', 'e1:r:1': 'dead', 'e1:r:2': 'ambiguous' });
        await store.queue.claimDue(t, 1);
        expect(await store.deliveries.counts()).toEqual({ pending: 0, running: 1, done: 1, dead: 1, ambiguous: 1 });
      });

      it('counts the queue (pending and running jobs) per destination', async () => {
        await seed(store, t, 'e1', [{ destination: 'alerts' }, { destination: 'alerts' }, { destination: 'alerts' }, { destination: 'crm' }, { destination: 'crm' }]);
        await finish({ 'e1:r:3': 'done' });
        await store.queue.claimDue(t, 1, { destination: 'alerts' });
        expect(await store.deliveries.queueDepth()).toEqual({ alerts: { pending: 2, running: 1 }, crm: { pending: 1, running: 0 } });
      });
    });
  });
}
