import { afterEach, describe, expect, it } from 'vitest';
import { jobsFor, storedEvent } from '../temp-store.js';
import { openTempPgStore, type TempPgStore } from './temp-pg-store.js';

describe('PostgreSQL job queue', () => {
  let t: TempPgStore | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('gives bridges claiming at once different jobs (FOR UPDATE SKIP LOCKED), each job to one of them', async () => {
    t = await openTempPgStore({ now: () => 100 });
    const others = await Promise.all([t.openAnother(), t.openAnother()]);
    const { store } = t;
    const events = Array.from({ length: 20 }, (_, i) => `e${i}`);
    for (const id of events) await store.accept(storedEvent(id));
    const rows = await store.planner.unplanned(100);
    await store.planner.commitPlans({
      events: rows.map((r) => ({ seq: r.seq, eventId: r.id, decision: { rulesVersion: 'v1', plannedAt: 1, summary: '', rules: [] }, jobs: jobsFor(r.id, [{ destination: 'slack' }, { destination: 'crm' }]) })),
      state: [],
      now: 100,
    });
    const claims = await Promise.all([store, ...others].flatMap((s) => [s.queue.claimDue(100, 7), s.queue.claimDue(100, 7)]));
    const ids = claims.flat().map((j) => j.id);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
    expect(claims.flat().every((j) => j.status === 'running' && j.attempts === 1)).toBe(true);
    expect(await store.queue.claimDue(100, 10)).toEqual([]);
    expect(await store.deliveries.counts()).toEqual({ pending: 0, running: 40, done: 0, dead: 0, ambiguous: 0 });
    expect(await store.deliveries.queueDepth()).toEqual({ crm: { pending: 0, running: 20 }, slack: { pending: 0, running: 20 } });
    await store.queue.release(ids.slice(0, 3), 200, 100);
    const released = claims.flat().slice(0, 3).map((j) => j.destination);
    const depth = await store.deliveries.queueDepth();
    expect(depth.slack!.pending + depth.crm!.pending).toBe(3);
    expect(depth.slack!.pending).toBe(released.filter((d) => d === 'slack').length);
  });

  it('records outcomes only for the status it expects, and replays a finished job as a new one', async () => {
    t = await openTempPgStore({ now: () => 100 });
    const { store } = t;
    await store.accept(storedEvent('e1'));
    const [row] = await store.planner.unplanned(1);
    await store.planner.commitPlans({ events: [{ seq: row!.seq, eventId: 'e1', decision: { rulesVersion: 'v1', plannedAt: 1, summary: '', rules: [] }, jobs: jobsFor('e1', [{}, {}]) }], state: [], now: 50 });
    const [a, b] = await store.queue.claimDue(100, 10);
    await store.queue.settle([{ id: a!.id, to: 'done', ref: 'ts1' }, { id: b!.id, to: 'dead', reason: 'HTTP 400' }], 110);
    await store.queue.complete(a!.id, { status: 'fail', reason: 'late' }, 120);
    expect((await store.deliveries.getJob(a!.id))).toMatchObject({ status: 'done', ref: 'ts1', lastError: null });
    expect((await store.deliveries.listDead()).map((j) => j.id)).toEqual([b!.id]);
    expect(await store.deliveries.requeue([b!.id, a!.id, 'nope:r:0'], 130)).toEqual({
      requeued: [{ from: b!.id, to: `${b!.id}#r1` }, { from: a!.id, to: `${a!.id}#r1` }],
      skipped: [{ id: 'nope:r:0', reason: 'not found' }],
    });
    expect(await store.deliveries.requeue([b!.id], 131)).toEqual({ requeued: [], skipped: [{ id: b!.id, reason: `already replayed as ${b!.id}#r1` }] });
    expect(await store.deliveries.listDead()).toEqual([]);
    const [summary] = await store.deliveries.listEvents({ status: 'pending' });
    expect(summary?.jobs.map((j) => [j.id, j.status])).toEqual([[a!.id, 'done'], [b!.id, 'dead'], [`${b!.id}#r1`, 'pending'], [`${a!.id}#r1`, 'pending']]);
    expect(await store.deliveries.listEvents({ user: 'nobody@example.com' })).toEqual([]);
    expect(await store.queue.nextDueAt()).toBe(130);
    expect(await store.queue.recoverExpired(200, 300)).toBe(0);
  });
});
