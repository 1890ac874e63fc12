import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../src/store/job-queue.js';
import type { Store } from '../../../src/store/store.js';
import { freshStores, seed, type FreshStore, type OpenFreshStore } from './fresh-store.js';

/** The job queue (src/store/job-queue.ts): claims, outcomes, recovery and memos. */
export function jobQueueContract(openFresh: OpenFreshStore): void {
  describe('job queue', () => {
    const stores = freshStores(openFresh);
    let t: number;
    let fresh: FreshStore;
    let store: Store;
    const clock = { now: () => t };

    beforeEach(async () => {
      t = 1_000_000;
      fresh = await stores.open(clock);
      store = fresh.store;
    });
    afterEach(() => stores.closeAll());

    async function job(id: string): Promise<Job> {
      const j = await store.deliveries.getJob(id);
      if (j === undefined) throw new Error(`no job ${id}`);
      return j;
    }

    async function brief(id: string): Promise<[string, number, number, string | null, string | null]> {
      const j = await job(id);
      return [j.status, j.attempts, j.nextAt, j.lastError, j.ref];
    }

    describe('claimDue', () => {
      it('claims due jobs oldest first, marks them running and counts an attempt', async () => {
        await seed(store, t, 'e1', [{}, {}]);
        t += 10;
        await seed(store, t, 'e2', [{}]);
        const q = store.queue;
        await q.retryLater('e1:r:0', 0, 'x', t); // not running: ignored
        const claimed = await q.claimDue(t, 2);
        expect(claimed.map((j) => [j.id, j.status, j.attempts])).toEqual([
          ['e1:r:0', 'running', 1],
          ['e1:r:1', 'running', 1],
        ]);
        expect((await q.claimDue(t, 10)).map((j) => j.id)).toEqual(['e2:r:0']);
        expect(await q.claimDue(t, 10)).toEqual([]);
      });

      it('leaves jobs that are not due yet, and filters by destination', async () => {
        await seed(store, t, 'e1', [{ destination: 'a' }, { destination: 'b' }, { destination: 'b' }]);
        const q = store.queue;
        await q.claimDue(t, 1, { destination: 'b' });
        await q.retryLater('e1:r:1', t + 500, 'HTTP 500', t);
        expect((await q.claimDue(t, 10, { destination: 'b' })).map((j) => j.id)).toEqual(['e1:r:2']);
        expect(await q.claimDue(t + 499, 10, { destination: 'b' })).toEqual([]);
        expect((await q.claimDue(t + 500, 10, { destination: 'b' })).map((j) => [j.id, j.attempts])).toEqual([['e1:r:1', 2]]);
        expect(await q.claimDue(t, 0)).toEqual([]);
      });

      it('claimDueFor takes each destination\'s own limit of its due jobs, oldest first', async () => {
        await seed(store, t, 'e1', [{ destination: 'a' }, { destination: 'b' }, { destination: 'a' }, { destination: 'c' }, { destination: 'a' }]);
        const q = store.queue;
        await q.claimDue(t, 1, { destination: 'c' });
        await q.retryLater('e1:r:3', t + 500, 'HTTP 500', t); // c's only job: not due yet
        t += 10;
        await seed(store, t, 'e2', [{ destination: 'b' }]);
        const claimed = await q.claimDueFor(t, [{ destination: 'a', limit: 2 }, { destination: 'b', limit: 5 }, { destination: 'c', limit: 5 }, { destination: 'd', limit: 5 }]);
        const of = (d: string) => claimed.filter((j) => j.destination === d).map((j) => [j.id, j.status, j.attempts]);
        expect(claimed).toHaveLength(4);
        expect(of('a')).toEqual([['e1:r:0', 'running', 1], ['e1:r:2', 'running', 1]]);
        expect(of('b')).toEqual([['e1:r:1', 'running', 1], ['e2:r:0', 'running', 1]]);
        expect((await q.claimDueFor(t, [{ destination: 'a', limit: 0 }, { destination: 'b', limit: 1 }]))).toEqual([]);
        expect((await q.claimDueFor(t + 500, [{ destination: 'a', limit: 9 }, { destination: 'c', limit: 9 }])).map((j) => [j.id, j.attempts])).toEqual([['e1:r:4', 1], ['e1:r:3', 2]]);
        expect(await q.claimDueFor(t, [])).toEqual([]);
      });

      it('gives each job to one claim when claims overlap', async () => {
        await seed(store, t, 'e1', Array.from({ length: 20 }, () => ({})));
        const claims = await Promise.all(Array.from({ length: 4 }, () => store.queue.claimDue(t, 8)));
        const ids = claims.flat().map((j) => j.id);
        expect(ids.length).toBe(20);
        expect(new Set(ids).size).toBe(20);
        expect(claims.flat().every((j) => j.attempts === 1)).toBe(true);
      });
    });

    describe('settling', () => {
      it.each([
        ['ok with a ref', { status: 'ok', ref: '1700.01' }, ['done', 1, 1_000_000, null, '1700.01']],
        ['ok without a ref', { status: 'ok' }, ['done', 1, 1_000_000, null, null]],
        ['fail', { status: 'fail', reason: 'channel_not_found' }, ['dead', 1, 1_000_000, 'channel_not_found', null]],
        ['ambiguous', { status: 'ambiguous', reason: 'timeout after send' }, ['ambiguous', 1, 1_000_000, 'timeout after send', null]],
      ] as const)('complete: %s', async (_name, result, expected) => {
        const [id = ''] = await seed(store, t, 'e1', [{}]);
        await store.queue.claimDue(t, 1);
        await store.queue.complete(id, result, t + 5);
        expect(await brief(id)).toEqual(expected);
        expect((await job(id)).updatedAt).toBe(t + 5);
      });

      it('retryLater puts a running job back with its reason; deadLetter ends it', async () => {
        const [a = '', b = ''] = await seed(store, t, 'e1', [{}, {}]);
        await store.queue.claimDue(t, 2);
        await store.queue.retryLater(a, t + 1000, 'HTTP 503', t);
        await store.queue.deadLetter(b, 'out of attempts', t);
        expect(await brief(a)).toEqual(['pending', 1, t + 1000, 'HTTP 503', null]);
        expect(await brief(b)).toEqual(['dead', 1, t, 'out of attempts', null]);
      });

      it('deadLetter also ends a pending job, and leaves a finished one as it is', async () => {
        const [a = '', b = ''] = await seed(store, t, 'e1', [{}, {}]);
        await store.queue.deadLetter(a, 'destination gone', t);
        await store.queue.claimDue(t, 1);
        await store.queue.complete(b, { status: 'ok', ref: 'x' }, t);
        await store.queue.deadLetter(b, 'too late', t);
        expect(await brief(a)).toEqual(['dead', 0, t, 'destination gone', null]);
        expect(await brief(b)).toEqual(['done', 1, t, null, 'x']);
      });

      it('settle applies a batch of updates and ignores jobs that are not running', async () => {
        const ids = await seed(store, t, 'e1', [{}, {}, {}, {}]);
        await store.queue.claimDue(t, 3);
        await store.queue.settle([
          { id: 'e1:r:0', to: 'done', ref: 'x' },
          { id: 'e1:r:1', to: 'retry', at: t + 5, reason: '429' },
          { id: 'e1:r:2', to: 'ambiguous', reason: 'reset' },
          { id: 'e1:r:3', to: 'done' },
        ], t);
        expect((await Promise.all(ids.map(job))).map((j) => j.status)).toEqual(['done', 'pending', 'ambiguous', 'pending']);
        await store.queue.settle([], t);
      });

      it('settle writes each kind of update exactly, across events, the first update of an id winning', async () => {
        await seed(store, t, 'e1', [{}, {}, {}]);
        await seed(store, t, 'e2', [{}, {}, {}]);
        expect(await store.queue.claimDue(t, 6)).toHaveLength(6);
        // e2:r:0 carries an earlier error: delivered, it keeps it (the console shows the last failure).
        await store.queue.retryLater('e2:r:0', t, 'HTTP 503', t);
        await store.queue.claimDue(t, 1);
        t += 10;
        await store.queue.settle([
          { id: 'e1:r:0', to: 'done', ref: '1700000000.000100', channel: 'C0VIP' },
          { id: 'e1:r:1', to: 'retry', at: t + 500, reason: 'HTTP 429' },
          { id: 'e1:r:2', to: 'dead', reason: 'HTTP 400: invalid_blocks' },
          { id: 'e2:r:0', to: 'done' },
          { id: 'e2:r:1', to: 'ambiguous', reason: 'socket hang up' },
          { id: 'e2:r:2', to: 'done', ref: 'first' },
          { id: 'e2:r:2', to: 'dead', reason: 'second' },
        ], t);
        const got = await Promise.all(['e1:r:0', 'e1:r:1', 'e1:r:2', 'e2:r:0', 'e2:r:1', 'e2:r:2'].map(job));
        expect(got.map((j) => [j.id, j.status, j.attempts, j.nextAt, j.lastError, j.ref, j.refChannel])).toEqual([
          ['e1:r:0', 'done', 1, 1_000_000, null, '1700000000.000100', 'C0VIP'],
          ['e1:r:1', 'pending', 1, t + 500, 'HTTP 429', null, null],
          ['e1:r:2', 'dead', 1, 1_000_000, 'HTTP 400: invalid_blocks', null, null],
          ['e2:r:0', 'done', 2, 1_000_000, 'HTTP 503', null, null],
          ['e2:r:1', 'ambiguous', 1, 1_000_000, 'socket hang up', null, null],
          ['e2:r:2', 'done', 1, 1_000_000, null, 'first', null],
        ]);
        expect(got.every((j) => j.updatedAt === t)).toBe(true);
      });

      it('settles a batch of 250 jobs, one call with every outcome at once', async () => {
        const ids = await seed(store, t, 'e1', Array.from({ length: 250 }, () => ({})));
        expect(await store.queue.claimDue(t, 250)).toHaveLength(250);
        await store.queue.settle(ids.map((id, i) => (i % 2 === 0 ? { id, to: 'done' as const, ref: `r${i}` } : { id, to: 'retry' as const, at: t + i, reason: `r${i}` })), t);
        const got = (await Promise.all(ids.map(job))).map((j) => [j.status, j.ref, j.nextAt, j.lastError]);
        expect(got).toEqual(ids.map((_, i) => (i % 2 === 0 ? ['done', `r${i}`, t, null] : ['pending', null, t + i, `r${i}`])));
      });

      it('release gives back a whole claim across events in one call, leaving a settled job as it is', async () => {
        await seed(store, t, 'e1', [{}, {}]);
        await seed(store, t, 'e2', [{}]);
        await store.queue.claimDue(t, 3);
        await store.queue.complete('e1:r:1', { status: 'ok', ref: 'x' }, t);
        await store.queue.release(['e1:r:0', 'e1:r:1', 'e2:r:0'], t + 100, t + 1);
        expect(await Promise.all(['e1:r:0', 'e1:r:1', 'e2:r:0'].map(brief))).toEqual([
          ['pending', 0, t + 100, null, null],
          ['done', 1, t, null, 'x'],
          ['pending', 0, t + 100, null, null],
        ]);
      });

      it('release gives the attempt back; deferDestination pushes pending jobs without using one', async () => {
        await seed(store, t, 'e1', [{ destination: 'a' }, { destination: 'a' }, { destination: 'b' }]);
        const q = store.queue;
        await q.claimDue(t, 1);
        await q.release(['e1:r:0'], t + 100, t);
        expect(await brief('e1:r:0')).toEqual(['pending', 0, t + 100, null, null]);
        expect(await q.deferDestination('a', t + 30_000, t)).toBe(2);
        expect([(await job('e1:r:0')).nextAt, (await job('e1:r:1')).nextAt, (await job('e1:r:2')).nextAt]).toEqual([t + 30_000, t + 30_000, t]);
        expect(await q.deferDestination('a', t + 10, t)).toBe(0);
        await q.release([], t, t);
      });

      it('dead-letters the pending jobs of destinations that left the rules, counting them per destination', async () => {
        await seed(store, t, 'e1', [{ destination: 'kept' }, { destination: 'gone' }, { destination: 'gone' }, { destination: 'old' }, { destination: 'old' }]);
        await store.queue.claimDue(t, 1, { destination: 'old' }); // running: left to finish
        const reason = (d: string) => `destination "${d}" is not in the rules any more`;
        expect(await store.queue.deadLetterOrphans(['kept'], reason, t + 1)).toEqual([{ destination: 'gone', jobs: 2 }, { destination: 'old', jobs: 1 }]);
        expect(await brief('e1:r:1')).toEqual(['dead', 0, t, 'destination "gone" is not in the rules any more', null]);
        expect((await Promise.all(['e1:r:0', 'e1:r:3', 'e1:r:4'].map(job))).map((j) => j.status)).toEqual(['pending', 'running', 'dead']);
        expect(await store.queue.deadLetterOrphans(['kept'], reason, t + 2)).toEqual([]);
      });

      it('recoverInFlight puts running jobs back to pending, keeping their attempts', async () => {
        await seed(store, t, 'e1', [{}, {}]);
        await store.queue.claimDue(t, 2);
        await store.queue.complete('e1:r:1', { status: 'ok' }, t);
        store = await fresh.reopen();
        expect(await store.queue.recoverInFlight(t + 7)).toBe(1);
        expect(await brief('e1:r:0')).toEqual(['pending', 1, t + 7, null, null]);
        expect((await store.queue.claimDue(t + 7, 5)).map((j) => j.id)).toEqual(['e1:r:0']);
      });

      it('recoverExpired puts back only running jobs claimed by the cutoff, except the ids given', async () => {
        await seed(store, t, 'e1', [{}, {}, {}, {}]);
        const q = store.queue;
        await q.claimDue(t, 3); // e1:r:0..2 claimed at t
        await q.complete('e1:r:2', { status: 'ok' }, t + 1);
        await q.claimDue(t + 50, 1); // e1:r:3 claimed later
        expect(await q.recoverExpired(t + 10, t + 100, { except: ['e1:r:1'] })).toBe(1);
        expect(await brief('e1:r:0')).toEqual(['pending', 1, t + 100, null, null]);
        expect((await job('e1:r:1')).status).toBe('running');
        expect((await job('e1:r:2')).status).toBe('done');
        expect((await job('e1:r:3')).status).toBe('running');
        expect(await q.recoverExpired(t + 50, t + 200)).toBe(2);
        expect((await q.claimDue(t + 200, 5)).map((j) => [j.id, j.attempts])).toEqual([['e1:r:0', 2], ['e1:r:1', 2], ['e1:r:3', 2]]);
      });

      it('a late outcome for a job recovered and claimed again changes nothing it should not', async () => {
        await seed(store, t, 'e1', [{}]);
        await store.queue.claimDue(t, 1);
        await store.queue.recoverExpired(t, t + 100);
        await store.queue.retryLater('e1:r:0', t + 5000, 'late', t + 101);
        expect(await brief('e1:r:0')).toEqual(['pending', 1, t + 100, null, null]);
      });
    });

    describe('nextDueAt', () => {
      it('is the earliest pending job, optionally of some destinations only', async () => {
        expect(await store.queue.nextDueAt()).toBeUndefined();
        await seed(store, t, 'e1', [{ destination: 'a' }, { destination: 'b' }]);
        const q = store.queue;
        await q.claimDue(t, 2);
        await q.retryLater('e1:r:0', t + 300, 'x', t);
        await q.retryLater('e1:r:1', t + 200, 'x', t);
        expect(await q.nextDueAt()).toBe(t + 200);
        expect(await q.nextDueAt({ destinations: ['a'] })).toBe(t + 300);
        expect(await q.nextDueAt({ destinations: [] })).toBeUndefined();
      });
    });

    describe('memos', () => {
      it('keeps the latest value per key until it expires, and reads only the keys asked for', async () => {
        await store.queue.remember([
          { key: 'dest\u0000thread:a', value: '1700.01', expiresAt: null },
          { key: 'dest\u0000thread:b', value: 'old', expiresAt: t + 100 },
        ]);
        await store.queue.remember([{ key: 'dest\u0000thread:b', value: 'new', expiresAt: t + 100 }]);
        await store.queue.remember([]);
        expect(await store.queue.readMemos(['dest\u0000thread:a', 'dest\u0000thread:b', 'dest\u0000thread:c'], t)).toEqual(new Map([['dest\u0000thread:a', '1700.01'], ['dest\u0000thread:b', 'new']]));
        expect(await store.queue.readMemos(['dest\u0000thread:a', 'dest\u0000thread:b'], t + 100)).toEqual(new Map([['dest\u0000thread:a', '1700.01']]));
        expect(await store.queue.readMemos([], t)).toEqual(new Map());
      });

      it('keeps memos across a restart', async () => {
        await store.queue.remember([{ key: 'dest\u0000note:e1:r:0', value: '901', expiresAt: null }]);
        store = await fresh.reopen();
        expect(await store.queue.readMemos(['dest\u0000note:e1:r:0'], t)).toEqual(new Map([['dest\u0000note:e1:r:0', '901']]));
      });
    });
  });
}
