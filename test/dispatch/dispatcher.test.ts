import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Outcome, SendContext, Sender } from '../../src/actions/action.js';
import type { Json } from '../../src/events/event.js';
import { createDispatcher, type Dispatcher, type DispatchDestination, type SettledJob } from '../../src/dispatch/dispatcher.js';
import type { DispatchPolicy } from '../../src/dispatch/dispatch-policy.js';
import type { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Job, JobQueue } from '../../src/store/job-queue.js';
import { openTemp, seed, tempDir } from '../store/temp-store.js';
import { captureLog, fakeClock, fakeKind, scriptedSender, type FakeClock, type Script } from './dispatch-fakes.js';

let clock: FakeClock;
let t0: number;
let store: SqliteStore;
let cleanup: () => void;
let storeDir: string;
const dirOf = () => storeDir;
let dispatchers: Dispatcher[];

beforeEach(() => {
  let dir: string;
  ({ dir, cleanup } = tempDir());
  storeDir = dir;
  clock = fakeClock();
  t0 = clock.now();
  store = openTemp(dir, clock);
  dispatchers = [];
});

afterEach(() => {
  for (const d of dispatchers) void d.stop({ timeoutMs: 0 });
  store.close();
  cleanup();
});

function dispatcher(dest: Partial<DispatchDestination> & { sender: Sender<unknown> }, opts: {
  queue?: JobQueue;
  policy?: Partial<DispatchPolicy>;
  random?: () => number;
  log?: ReturnType<typeof captureLog>['log'];
  onSettled?: (e: SettledJob) => void;
} = {}): Dispatcher {
  const d = createDispatcher({
    queue: opts.queue ?? store.queue,
    destinations: new Map([['dest', { kind: fakeKind(), config: { kind: 'fake' }, ...dest }]]),
    now: clock.now,
    log: opts.log ?? captureLog().log,
    policy: opts.policy,
    random: opts.random ?? (() => 0.5),
    setTimer: clock.setTimer,
    onSettled: opts.onSettled,
  });
  dispatchers.push(d);
  return d;
}

/** Moves the fake clock `steps` times by `ms`, letting the dispatcher settle after each. */
async function stepClock(d: { idle(): Promise<void> }, steps: number, ms: number): Promise<void> {
  for (let i = 0; i < steps; i++) {
    await clock.run(ms);
    await d.idle();
  }
}

async function job(id: string): Promise<Job> {
  const j = await store.deliveries.getJob(id);
  if (j === undefined) throw new Error(`no job ${id}`);
  return j;
}

const jobs = (ids: readonly string[]): Promise<Job[]> => Promise.all(ids.map(job));

/** Lets pending I/O callbacks run until `cond` holds. */
async function until(cond: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await cond()); i++) await new Promise((r) => setImmediate(r));
  if (!(await cond())) throw new Error('condition never held');
}

const ok: Script = () => ({ status: 'ok', ref: 'ref-1' });
const retry503: Script = () => ({ status: 'retry', reason: 'HTTP 503' });

describe('delivery', () => {
  it('sends a due job once, records the ref, and passes the plan key as idempotency key', async () => {
    const { sender, calls } = scriptedSender(clock, ok);
    const d = dispatcher({ sender });
    await seed(store, 'e1', [{ request: { text: 'hi' } }]);
    d.start();
    await d.idle();
    expect(await job('e1:r:0')).toMatchObject({ status: 'done', ref: 'ref-1', attempts: 1 });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.requests).toEqual([{ text: 'hi' }]);
    expect(calls[0]?.ctx[0]).toMatchObject({ jobId: 'e1:r:0', eventId: 'e1', idempotencyKey: 'e1:r:0' });
  });

  it('reports every settled attempt', async () => {
    const settled: SettledJob[] = [];
    const { sender } = scriptedSender(clock, (_r, _c, n) => (n === 1 ? { status: 'retry', reason: 'HTTP 500' } : { status: 'ok', ref: 'm1' }));
    const d = dispatcher({ sender }, { onSettled: (e) => settled.push(e) });
    await seed(store, 'e1', [{}]);
    d.start();
    await d.idle();
    await clock.run(500);
    await d.idle();
    expect(settled).toEqual([
      { jobId: 'e1:r:0', rule: 'r', destination: 'dest', kind: 'fake', outcome: 'retry', result: 'retry', attempts: 1, ageMs: 0 },
      { jobId: 'e1:r:0', rule: 'r', destination: 'dest', kind: 'fake', outcome: 'ok', result: 'done', attempts: 2, ageMs: 500, ref: 'm1' },
    ]);
  });

  it('picks up jobs stored after start when woken', async () => {
    const { sender, calls } = scriptedSender(clock, ok);
    const d = dispatcher({ sender });
    d.start();
    await d.idle();
    await seed(store, 'e1', [{}, {}]);
    d.wake();
    await d.idle();
    expect(calls.flatMap((c) => c.jobIds)).toEqual(['e1:r:0', 'e1:r:1']);
  });

  it('runs again on start the jobs that were in flight when the process died', async () => {
    await seed(store, 'e1', [{}]);
    await store.queue.claimDue(clock.now(), 1);
    const { sender, calls } = scriptedSender(clock, ok);
    const d = dispatcher({ sender });
    d.start();
    await d.idle();
    expect(calls).toHaveLength(1);
    expect(await job('e1:r:0')).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('dead-letters a job whose destination changed kind', async () => {
    await seed(store, 'e1', [{ kind: 'slack' }]);
    const { sender, calls } = scriptedSender(clock, ok);
    const d = dispatcher({ sender });
    d.start();
    await d.idle();
    expect(calls).toHaveLength(0);
    expect(await job('e1:r:0')).toMatchObject({
      status: 'dead', lastError: 'destination "dest" is kind "fake" now, the job was planned for "slack"',
    });
  });

  it('leaves jobs of an unknown destination pending without spinning', async () => {
    await seed(store, 'e1', [{ destination: 'removed' }]);
    const { log, lines } = captureLog();
    const d = dispatcher({ sender: scriptedSender(clock, ok).sender }, { log });
    d.start();
    await d.idle();
    await clock.run(60_000);
    await d.idle();
    expect((await job('e1:r:0')).status).toBe('pending');
    expect(clock.pending()).toBe(1);
    expect(lines.filter((l) => l.msg === 'sending')).toEqual([]);
  });

  it('polls for jobs another process wrote', async () => {
    const { sender, calls } = scriptedSender(clock, ok);
    const d = dispatcher({ sender }, { policy: { pollMs: 2000 } });
    d.start();
    await d.idle();
    await seed(store, 'e1', [{}]); // no wake: as if `bridge replay` wrote it
    await clock.run(1999);
    await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(0);
    await clock.run(1);
    await d.idle();
    expect(calls).toHaveLength(1);
  });
});

describe('retries', () => {
  it('backs off exponentially with full jitter (random fixed at 0.5)', async () => {
    const { sender, calls } = scriptedSender(clock, (_r, _c, n) => (n <= 3 ? { status: 'retry', reason: 'HTTP 503' } : { status: 'ok' }));
    const d = dispatcher({ sender });
    await seed(store, 'e1', [{}]);
    d.start();
    await d.idle();
    expect(await job('e1:r:0')).toMatchObject({ status: 'pending', attempts: 1, nextAt: t0 + 500, lastError: 'HTTP 503' });
    for (const step of [500, 1000, 2000]) {
      await clock.run(step);
      await d.idle();
    }
    expect(calls.map((c) => c.at - t0)).toEqual([0, 500, 1500, 3500]);
    expect(await job('e1:r:0')).toMatchObject({ status: 'done', attempts: 4 });
  });

  it('waits at least Retry-After, and holds the other jobs of that rate-limit key too', async () => {
    const kind = fakeKind({ rateLimit: () => ({ key: 'channel', limit: 1000, intervalMs: 1000 }) });
    const { sender, calls } = scriptedSender(clock, (_r, _c, n) =>
      (n === 1 ? { status: 'retry', reason: 'HTTP 429', retryAfterMs: 30_000 } : { status: 'ok' }));
    const d = dispatcher({ sender, kind });
    await seed(store, 'e1', [{}, {}]);
    d.start();
    await d.idle();
    expect(await job('e1:r:0')).toMatchObject({ status: 'pending', nextAt: t0 + 30_000, lastError: 'HTTP 429' });
    await clock.run(29_999);
    await d.idle();
    expect(calls.map((c) => c.jobIds[0])).toEqual(['e1:r:0']);
    await clock.run(1000);
    await d.idle();
    expect(calls.map((c) => [c.jobIds[0], c.at - t0])).toEqual([['e1:r:0', 0], ['e1:r:1', 30_000], ['e1:r:0', 30_001]]);
    expect((await job('e1:r:1')).attempts).toBe(1);
  });

  it('never retries a permanent failure', async () => {
    const { sender, calls } = scriptedSender(clock, () => ({ status: 'fail', reason: 'invalid_auth' }));
    const d = dispatcher({ sender });
    await seed(store, 'e1', [{}]);
    d.start();
    await d.idle();
    await clock.run(3_600_000);
    await d.idle();
    expect(calls).toHaveLength(1);
    expect(await job('e1:r:0')).toMatchObject({ status: 'dead', attempts: 1, lastError: 'invalid_auth' });
    expect((await store.deliveries.listDead()).map((j) => j.id)).toEqual(['e1:r:0']);
  });

  it('dead-letters a job that is out of attempts, with its last error', async () => {
    const { log, lines } = captureLog();
    const { sender, calls } = scriptedSender(clock, retry503);
    const d = dispatcher({ sender }, { policy: { maxAttempts: 3 }, random: () => 0, log });
    await seed(store, 'e1', [{}]);
    d.start();
    await d.idle();
    expect(calls).toHaveLength(3);
    expect(await job('e1:r:0')).toMatchObject({ status: 'dead', attempts: 3, lastError: 'out of attempts (3): HTTP 503' });
    expect(lines.filter((l) => l.msg === 'dead letter').map((l) => l.jobId)).toEqual(['e1:r:0']);
  });

  it('dead-letters a job that is too old to retry', async () => {
    const { sender } = scriptedSender(clock, retry503);
    await seed(store, 'e1', [{}]);
    await clock.run(24 * 3_600_000);
    const d = dispatcher({ sender });
    d.start();
    await d.idle();
    expect(await job('e1:r:0')).toMatchObject({ status: 'dead', attempts: 1, lastError: 'too old (over 24h): HTTP 503' });
  });

  it('retries when the sender throws, without stopping the loop', async () => {
    const { sender, calls } = scriptedSender(clock, (_r, _c, n) => {
      if (n === 1) throw new Error('boom');
      return { status: 'ok' };
    });
    const d = dispatcher({ sender });
    await seed(store, 'e1', [{}]);
    d.start();
    await d.idle();
    expect(await job('e1:r:0')).toMatchObject({ status: 'pending', lastError: 'sender threw: boom', nextAt: t0 + 500 });
    await clock.run(500);
    await d.idle();
    expect(calls).toHaveLength(2);
    expect((await job('e1:r:0')).status).toBe('done');
  });

  it.each([
    [false, { status: 'ambiguous', attempts: 1, lastError: 'timeout after send' }, 1],
    [true, { status: 'done', attempts: 2, lastError: 'ambiguous: timeout after send' }, 2],
  ] as const)('ambiguous outcome with retryAmbiguous=%s', async (retryAmbiguous, expected, sends) => {
    const { sender, calls } = scriptedSender(clock, (_r, _c, n) =>
      (n === 1 ? { status: 'ambiguous', reason: 'timeout after send' } : { status: 'ok' }));
    const d = dispatcher({ sender, retryAmbiguous });
    await seed(store, 'e1', [{}]);
    d.start();
    await d.idle();
    await clock.run(500);
    await d.idle();
    expect(await job('e1:r:0')).toMatchObject(expected);
    expect(calls).toHaveLength(sends);
  });
});

describe('circuit breaker', () => {
  it('opens after 5 consecutive retryable failures and pushes jobs back without using attempts', async () => {
    const { log, lines } = captureLog();
    const { sender, calls, state } = scriptedSender(clock, retry503);
    const d = dispatcher({ sender, concurrency: 1 }, { log });
    const ids = await seed(store, 'e1', Array.from({ length: 10 }, () => ({})));
    d.start();
    await d.idle();

    expect(calls).toHaveLength(5);
    expect(d.stats().breakers).toEqual({ dest: 'open' });
    expect((await jobs(ids)).map((j) => [j.attempts, j.nextAt - t0])).toEqual([
      ...Array.from({ length: 5 }, () => [1, 30_000]),
      ...Array.from({ length: 5 }, () => [0, 30_000]),
    ]);
    expect(lines.filter((l) => l.msg === 'circuit breaker opened')).toHaveLength(1);

    state.script = ok;
    await clock.run(29_999);
    await d.idle();
    expect(calls).toHaveLength(5);
    await clock.run(1);
    await d.idle();
    expect(calls[5]?.jobIds).toEqual(['e1:r:0']); // the half-open trial
    expect(calls).toHaveLength(15);
    expect((await jobs(ids)).every((j) => j.status === 'done')).toBe(true);
    expect(d.stats().breakers).toEqual({ dest: 'closed' });
  });

  it('lets one trial through when half-open and opens again if it fails', async () => {
    const { sender, calls } = scriptedSender(clock, retry503);
    const d = dispatcher({ sender, concurrency: 4 }, { policy: { breaker: { threshold: 2, openMs: 1000 } } });
    await seed(store, 'e1', Array.from({ length: 6 }, () => ({})));
    d.start();
    await d.idle();
    expect(calls).toHaveLength(4); // four were already in flight when it opened
    await clock.run(1000);
    await d.idle();
    expect(calls).toHaveLength(5);
    expect(d.stats().breakers).toEqual({ dest: 'open' });
    expect((await store.deliveries.jobsForEvent('e1')).map((j) => j.attempts)).toEqual([2, 1, 1, 1, 0, 0]);
  });
});

describe('rate limits', () => {
  it('spaces sends per key (1 per second per channel) without using attempts', async () => {
    const kind = fakeKind({ rateLimit: (r) => ({ key: String((r as { channel: string }).channel), limit: 1, intervalMs: 1000 }) });
    const { sender, calls } = scriptedSender(clock, ok);
    const d = dispatcher({ sender, kind });
    const ids = await seed(store, 'e1', [{ request: { channel: 'A' } }, { request: { channel: 'A' } }, { request: { channel: 'A' } }, { request: { channel: 'B' } }]);
    d.start();
    await d.idle();
    await clock.run(1000);
    await d.idle();
    await clock.run(1000);
    await d.idle();
    expect(calls.map((c) => [c.jobIds[0], c.at - t0])).toEqual([
      ['e1:r:0', 0], ['e1:r:3', 0], ['e1:r:1', 1000], ['e1:r:2', 2000],
    ]);
    expect((await jobs(ids)).map((j) => j.attempts)).toEqual([1, 1, 1, 1]);
  });
});

describe('batching', () => {
  const batchKind = fakeKind({ batchKey: () => 'contacts' });

  it('sends 250 jobs that are due together as 3 batch calls', async () => {
    const { sender, calls } = scriptedSender(clock, ok, { maxBatch: 100 });
    const d = dispatcher({ sender, kind: batchKind });
    await seed(store, 'e1', Array.from({ length: 250 }, (_, i) => ({ request: { email: `u${i}@x.test` } })));
    d.start();
    await d.idle();
    expect(calls.map((c) => [c.batch, c.jobIds.length])).toEqual([[true, 100], [true, 100], [true, 50]]);
    expect((await store.deliveries.counts()).done).toBe(250);
  });

  it('sends 1,000 upserts in 10 calls, 100 ms apart, under 100 requests per 10 s', async () => {
    const kind = fakeKind({ batchKey: () => 'contacts', rateLimit: () => ({ key: 'portal', limit: 100, intervalMs: 10_000 }) });
    const { sender, calls } = scriptedSender(clock, ok, { maxBatch: 100 });
    const d = dispatcher({ sender, kind });
    await seed(store, 'e1', Array.from({ length: 1000 }, (_, i) => ({ request: { email: `u${i}@x.test` } })));
    d.start();
    await d.idle();
    await stepClock(d, 9, 100);
    expect(calls.map((c) => [c.jobIds.length, c.at - t0])).toEqual(Array.from({ length: 10 }, (_, i) => [100, i * 100]));
    expect(await store.deliveries.counts()).toMatchObject({ done: 1000, pending: 0 });
    expect((await store.deliveries.jobsForEvent('e1')).every((j) => j.attempts === 1)).toBe(true);
  });

  it('spaces calls by the requests they make: two a call, plus the extra ones a sender reports', async () => {
    const kind = fakeKind({ batchKey: () => 'contacts', rateLimit: () => ({ key: 'portal', limit: 100, intervalMs: 10_000 }), requestsPerCall: () => 2 });
    const reported = new Set<number>();
    // The second call made three requests more (a rejected batch halved, say), and says so once.
    const { sender, calls } = scriptedSender(clock, (_request, ctx, n) => {
      if (n === 2 && !reported.has(n)) {
        reported.add(n);
        ctx.spentRequests?.(3);
      }
      return { status: 'ok' };
    }, { maxBatch: 100 });
    const d = dispatcher({ sender, kind });
    await seed(store, 'e1', Array.from({ length: 400 }, (_, i) => ({ request: { email: `u${i}@x.test` } })));
    d.start();
    await d.idle();
    await stepClock(d, 10, 100);
    // 100 ms a request: 2 after the first call, 2 + 3 after the second, 2 after the third.
    expect(calls.map((c) => [c.jobIds.length, c.at - t0])).toEqual([[100, 0], [100, 200], [100, 700], [100, 900]]);
    expect(await store.deliveries.counts()).toMatchObject({ done: 400, pending: 0 });
  });

  it('sends a part-filled batch once no job came in for batchWaitMs, as one call', async () => {
    const { sender, calls } = scriptedSender(clock, ok, { maxBatch: 100 });
    const d = dispatcher({ sender, kind: batchKind }, { policy: { batchWaitMs: 200 } });
    await seed(store, 'e1', Array.from({ length: 5 }, (_, i) => ({ request: { email: `a${i}@x.test` } })));
    d.start();
    await d.idle();
    expect(calls).toEqual([]);
    await clock.run(150);
    await seed(store, 'e2', Array.from({ length: 5 }, (_, i) => ({ request: { email: `b${i}@x.test` } })));
    d.wake();
    await d.idle();
    expect(calls).toEqual([]);
    await clock.run(199);
    await d.idle();
    expect(calls).toEqual([]);
    await clock.run(1);
    await d.idle();
    expect(calls.map((c) => [c.jobIds.length, c.at - t0])).toEqual([[10, 350]]);
    // Waiting used no attempts.
    expect((await store.deliveries.jobsForEvent('e1')).every((j) => j.attempts === 1)).toBe(true);
  });

  it('keeps a part-filled batch while jobs still arrive, and sends it full', async () => {
    const { sender, calls } = scriptedSender(clock, ok, { maxBatch: 100 });
    const d = dispatcher({ sender, kind: batchKind }, { policy: { batchWaitMs: 200, batchMaxWaitMs: 1000 } });
    d.start();
    // 10 jobs every 40 ms: past 200 ms the batch is part-filled, but jobs are still coming.
    for (let step = 0; step < 10; step++) {
      await seed(store, `e${step}`, Array.from({ length: 10 }, (_, i) => ({ request: { email: `s${step}-${i}@x.test` } })));
      d.wake();
      await d.idle();
      if (step < 9) await clock.run(40);
    }
    expect(calls).toEqual([]); // the last claim saw 90 with the newest just in
    await clock.run(200);
    await d.idle();
    expect(calls.map((c) => [c.jobIds.length])).toEqual([[100]]);
  });

  it('waits batchWaitMs after the newest job, not the oldest', async () => {
    const { sender, calls } = scriptedSender(clock, ok, { maxBatch: 100 });
    const d = dispatcher({ sender, kind: batchKind }, { policy: { batchWaitMs: 200, batchMaxWaitMs: 1000 } });
    d.start();
    for (const at of [0, 100, 190]) {
      await clock.run(at - (clock.now() - t0));
      await seed(store, `e${at}`, [{ request: { email: `q${at}@x.test` } }]);
      d.wake();
      await d.idle();
    }
    await clock.run(199); // 389 ms: the newest is 199 ms old
    await d.idle();
    expect(calls).toEqual([]);
    await clock.run(1);
    await d.idle();
    expect(calls.map((c) => [c.jobIds.length, c.at - t0])).toEqual([[3, 390]]);
  });

  it('sends a part-filled batch after batchMaxWaitMs even while jobs keep arriving', async () => {
    const { sender, calls } = scriptedSender(clock, ok, { maxBatch: 100 });
    const d = dispatcher({ sender, kind: batchKind }, { policy: { batchWaitMs: 200, batchMaxWaitMs: 1000 } });
    d.start();
    for (let at = 0; at < 1000; at += 40) {
      await seed(store, `e${at}`, [{ request: { email: `m${at}@x.test` } }]);
      d.wake();
      await d.idle();
      await clock.run(40);
    }
    expect(calls.map((c) => [c.jobIds.length, c.at - t0])).toEqual([[25, 1000]]);
  });

  it('retries the items a batch sender gave no outcome for', async () => {
    const sender: Sender<unknown> = {
      maxBatch: 10,
      send: () => Promise.resolve({ status: 'ok' }),
      sendBatch: (items) => Promise.resolve(items.slice(0, 1).map((): Outcome => ({ status: 'ok' }))),
    };
    const d = dispatcher({ sender, kind: batchKind }, { policy: { batchWaitMs: 0 } });
    await seed(store, 'e1', [{}, {}]);
    d.start();
    await d.idle();
    expect((await store.deliveries.jobsForEvent('e1')).map((j) => [j.status, j.lastError])).toEqual([
      ['done', null],
      ['pending', 'sender returned no outcome for this item'],
    ]);
  });
});

describe('stop', () => {
  /** A script whose calls hang until `resolve` answers all of them. */
  function hanging(): { script: Script; resolve: (o: Outcome) => void } {
    const waiting: ((o: Outcome) => void)[] = [];
    return {
      script: () => new Promise<Outcome>((r) => waiting.push(r)),
      resolve: (o) => waiting.splice(0).forEach((r) => r(o)),
    };
  }

  it('waits for calls in flight to finish and records them', async () => {
    const h = hanging();
    const { sender, calls } = scriptedSender(clock, h.script);
    const d = dispatcher({ sender });
    await seed(store, 'e1', [{}, {}]);
    d.start();
    await until(() => calls.length === 2);
    let stopped = false;
    const stopping = d.stop({ timeoutMs: 5000 }).then((r) => {
      stopped = true;
      return r;
    });
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    h.resolve({ status: 'ok', ref: 'late' });
    expect(await stopping).toEqual({ abandoned: 0 });
    expect((await store.deliveries.jobsForEvent('e1')).map((j) => [j.status, j.ref])).toEqual([['done', 'late'], ['done', 'late']]);
  });

  it('aborts what is still running at the timeout; those jobs run again on the next start', async () => {
    const h = hanging();
    const first = scriptedSender(clock, h.script);
    const d = dispatcher({ sender: first.sender });
    await seed(store, 'e1', [{}]);
    d.start();
    await until(() => first.calls.length === 1);
    const stopping = d.stop({ timeoutMs: 1000 });
    await clock.run(1000);
    expect(await stopping).toEqual({ abandoned: 1 });
    expect(first.calls[0]?.ctx[0]?.signal.aborted).toBe(true);
    expect((await job('e1:r:0')).status).toBe('running');

    const second = scriptedSender(clock, ok);
    const again = dispatcher({ sender: second.sender });
    again.start();
    await again.idle();
    expect(second.calls).toHaveLength(1);
    expect(await job('e1:r:0')).toMatchObject({ status: 'done', attempts: 2 });
  });
});

describe('an async queue', () => {
  /** Resolves what `p` resolves, a turn of the event loop later (a store over the network). */
  const later = <T>(p: Promise<T>): Promise<T> => new Promise<T>((resolve, reject) => setImmediate(() => p.then(resolve, reject)));

  it('claims each job once, keeps a lane to its concurrency, and stores an outcome before the lane claims again', async () => {
    const events: string[] = [];
    const queue: JobQueue = {
      ...store.queue,
      async claimDue(now, limit, opts) {
        const jobs = await later(store.queue.claimDue(now, limit, opts));
        for (const j of jobs) events.push(`claim ${j.id}`);
        return jobs;
      },
      async claimDueFor(now, wants) {
        const jobs = await later(store.queue.claimDueFor(now, wants));
        for (const j of jobs) events.push(`claim ${j.id}`);
        return jobs;
      },
      async settle(updates, now) {
        await later(store.queue.settle(updates, now));
        for (const u of updates) events.push(`settle ${u.id}`);
      },
    };
    const { sender, calls } = scriptedSender(clock, ok);
    const d = dispatcher({ sender, concurrency: 1 }, { queue });
    await seed(store, 'e1', [{}, {}, {}]);
    void d.start();
    for (let i = 0; i < 5; i++) d.wake();
    await d.idle();
    expect(events).toEqual(['claim e1:r:0', 'settle e1:r:0', 'claim e1:r:1', 'settle e1:r:1', 'claim e1:r:2', 'settle e1:r:2']);
    expect(calls.map((c) => c.jobIds)).toEqual([['e1:r:0'], ['e1:r:1'], ['e1:r:2']]);
  });

  it('claims for all its lanes in one round trip a turn: a lane with nothing due asks nothing of its own', async () => {
    const asked: string[] = [];
    const queue: JobQueue = {
      ...store.queue,
      claimDue: (now, limit, opts) => (asked.push(`claimDue ${opts?.destination ?? ''}`), store.queue.claimDue(now, limit, opts)),
      claimDueFor: (now, wants) => (asked.push(`claimDueFor ${wants.map((w) => `${w.destination}:${w.limit}`).join(' ')}`), store.queue.claimDueFor(now, wants)),
    };
    const { sender, calls } = scriptedSender(clock, ok);
    const names = Array.from({ length: 20 }, (_, i) => `d${i}`);
    const d = createDispatcher({
      queue,
      destinations: new Map(names.map((n) => [n, { kind: fakeKind(), config: { kind: 'fake' }, sender, concurrency: 2 }])),
      now: clock.now, log: captureLog().log, random: () => 0.5, setTimer: clock.setTimer,
    });
    dispatchers.push(d);
    // d3 has more due than its 2 slots: the rest waits for a slot.
    await seed(store, 'e1', [{ destination: 'd3' }, { destination: 'd7' }, { destination: 'd3' }, { destination: 'd3' }]);
    await d.start();
    await d.idle();
    expect(calls.map((c) => c.jobIds)).toEqual([['e1:r:0'], ['e1:r:2'], ['e1:r:1'], ['e1:r:3']]);
    // Three turns (the start; d3's and d7's first calls done; d3's last), each one claim for all 20 lanes.
    const all = `claimDueFor ${names.map((n) => `${n}:2`).join(' ')}`;
    expect(asked).toEqual([all, all, all]);
  });

  it('recovers jobs left running before it claims any', async () => {
    await seed(store, 'e1', [{}]);
    await store.queue.claimDue(t0, 1); // left running by the last process
    const queue: JobQueue = { ...store.queue, recoverInFlight: (now) => later(store.queue.recoverInFlight(now)) };
    const { sender, calls } = scriptedSender(clock, ok);
    const d = dispatcher({ sender }, { queue });
    d.wake();
    await d.start();
    await d.idle();
    expect(calls.map((c) => c.jobIds)).toEqual([['e1:r:0']]);
    expect(await job('e1:r:0')).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('stopped while a claim is on its way: starts nothing, and gives the jobs back without using an attempt', async () => {
    let asked = false;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const queue: JobQueue = {
      ...store.queue,
      async claimDue(now, limit, opts) {
        asked = true;
        await gate;
        return store.queue.claimDue(now, limit, opts);
      },
      async claimDueFor(now, wants) {
        asked = true;
        await gate;
        return store.queue.claimDueFor(now, wants);
      },
    };
    const { sender, calls } = scriptedSender(clock, ok);
    const d = dispatcher({ sender }, { queue });
    await seed(store, 'e1', [{}]);
    void d.start();
    await until(() => asked);
    const stopped = d.stop();
    open();
    expect(await stopped).toEqual({ abandoned: 0 });
    expect(calls).toEqual([]);
    expect(await job('e1:r:0')).toMatchObject({ status: 'pending', attempts: 0 });
  });
});

describe('lost jobs (lease expiry)', () => {
  it('runs a job again without a restart when recording its outcome failed, once its lease expires', async () => {
    // The real queue, except that the first settle throws (a busy timeout, a full disk).
    let failures = 1;
    const queue: JobQueue = {
      ...store.queue,
      async settle(updates, now) {
        if (failures-- > 0) throw new Error('SQLITE_BUSY: database is locked');
        await store.queue.settle(updates, now);
      },
    };
    const { sender, calls } = scriptedSender(clock, ok);
    const { log, lines } = captureLog();
    const d = dispatcher({ sender }, { queue, log, policy: { leaseMs: 40_000 } });
    await seed(store, 'e1', [{}]);
    d.start();
    await until(() => lines.some((l) => l.msg === 'recording an outcome failed; the jobs run again once their lease expires'));
    expect(await job('e1:r:0')).toMatchObject({ status: 'running', attempts: 1 });
    await clock.run(39_000);
    await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(1);
    await clock.run(11_000); // past the lease, and past the next sweep
    await d.idle();
    expect(calls).toHaveLength(2);
    expect(await job('e1:r:0')).toMatchObject({ status: 'done', attempts: 2, ref: 'ref-1' });
    expect(lines.find((l) => l.msg === 'jobs running past their lease will run again (their outcome was not recorded)')).toMatchObject({ level: 40, recovered: 1, leaseMs: 40_000 });
  });

  it('never takes back a job whose call is still in flight here, however long it runs', async () => {
    let answer!: (o: Outcome) => void;
    const { sender, calls } = scriptedSender(clock, () => new Promise<Outcome>((r) => (answer = r)));
    const d = dispatcher({ sender }, { policy: { leaseMs: 1000 } });
    await seed(store, 'e1', [{}]);
    d.start();
    await until(() => calls.length === 1);
    await clock.run(60_000);
    await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(1);
    expect((await job('e1:r:0')).status).toBe('running');
    answer({ status: 'ok', ref: 'slow' });
    await d.idle();
    expect(await job('e1:r:0')).toMatchObject({ status: 'done', attempts: 1, ref: 'slow' });
  });
});

describe('with the real clock and timers', () => {
  it('wakes when woken (after a planner commit) and on its own timer for retries', async () => {
    let d: Dispatcher | undefined;
    const { dir, cleanup: done } = tempDir();
    const live = openTemp(dir, { now: Date.now });
    try {
      const { sender, calls } = scriptedSender({ now: Date.now }, (_r, _c, n) => (n === 1 ? { status: 'retry', reason: 'HTTP 503' } : { status: 'ok' }));
      d = createDispatcher({
        queue: live.queue, now: Date.now, log: captureLog().log,
        destinations: new Map([['dest', { kind: fakeKind(), config: {}, sender }]]),
        policy: { backoff: { baseMs: 20, factor: 2, capMs: 20 } },
      });
      d.start();
      await seed(live, 'e1', [{}]);
      d.wake();
      for (let i = 0; i < 400 && (await live.deliveries.getJob('e1:r:0'))?.status !== 'done'; i++) {
        await new Promise((r) => setTimeout(r, 5));
      }
      expect((await live.deliveries.getJob('e1:r:0'))?.status).toBe('done');
      expect(calls).toHaveLength(2);
      expect(await d.stop({ timeoutMs: 1000 })).toEqual({ abandoned: 0 });
    } finally {
      live.close();
      done();
    }
  });
});

describe('memos (vendor ids remembered across attempts, jobs and restarts)', () => {
  /** A kind whose jobs read and write the memo named by their request's `memo` field. */
  const memoKind = () => fakeKind({ memoKeys: (request) => [String((request as { memo: string }).memo)] });
  /** Answers ok, and records a memo (the call number) under the job's key when none was handed in. */
  const firstWins = (request: Json, ctx: SendContext, n: number): Outcome => {
    const key = String((request as { memo: string }).memo);
    return ctx.memos?.[key] !== undefined ? { status: 'ok', ref: `reply-to-${ctx.memos[key]}` } : { status: 'ok', ref: `root-${n}`, memos: [{ key, value: `root-${n}` }] };
  };

  it.each<[string, number | undefined, number, string[]]>([
    ['kept without a ttl', undefined, 3_600_000, ['root-1', 'reply-to-root-1']],
    ['handed to a later job while it lives', 60_000, 59_999, ['root-1', 'reply-to-root-1']],
    ['forgotten once its ttl ends', 60_000, 60_000, ['root-1', 'root-2']],
  ])('a memo an outcome returns is %s', async (_name, ttlMs, later, refs) => {
    const script: Script = (request, ctx, n) => {
      const out = firstWins(request, ctx, n);
      return out.memos === undefined || ttlMs === undefined ? out : { ...out, memos: out.memos.map((m) => ({ ...m, ttlMs })) };
    };
    const { sender, calls } = scriptedSender(clock, script);
    const d = dispatcher({ sender, kind: memoKind() });
    await seed(store, 'e1', [{ request: { memo: 'thread:u1' } }]);
    d.start();
    await d.idle();
    await clock.run(later);
    await seed(store, 'e2', [{ request: { memo: 'thread:u1' } }]);
    d.wake();
    await d.idle();
    expect((await jobs(['e1:r:0', 'e2:r:0'])).map((j) => j.ref)).toEqual(refs);
    expect(calls.map((c) => c.ctx[0]?.memos)).toEqual([{}, refs[1] === 'root-2' ? {} : { 'thread:u1': 'root-1' }]);
  });

  it('scopes memos to the destination: the same key on another destination is another memo', async () => {
    const { sender } = scriptedSender(clock, firstWins);
    const d = createDispatcher({
      queue: store.queue,
      destinations: new Map([
        ['dest', { kind: memoKind(), config: { kind: 'fake' }, sender }],
        ['other', { kind: memoKind(), config: { kind: 'fake' }, sender }],
      ]),
      now: clock.now, log: captureLog().log, random: () => 0.5, setTimer: clock.setTimer,
    });
    dispatchers.push(d);
    await seed(store, 'e1', [{ request: { memo: 'k' } }, { request: { memo: 'k' }, destination: 'other' }]);
    d.start();
    await d.idle();
    expect((await jobs(['e1:r:0', 'e1:r:1'])).map((j) => j.ref)).toEqual(['root-1', 'root-2']);
  });

  it('survives a restart: a new dispatcher on the reopened store hands the memo on', async () => {
    const { sender } = scriptedSender(clock, firstWins);
    const d = dispatcher({ sender, kind: memoKind() });
    await seed(store, 'e1', [{ request: { memo: 'k' } }]);
    d.start();
    await d.idle();
    await d.stop();
    store.close();
    store = openTemp(dirOf(), clock);
    const again = dispatcher({ sender: scriptedSender(clock, firstWins).sender, kind: memoKind() });
    await seed(store, 'e2', [{ request: { memo: 'k' } }]);
    again.start();
    await again.idle();
    expect((await job('e2:r:0')).ref).toBe('reply-to-root-1');
  });

  it('records the memo even when the outcome cannot be recorded, so the job run again at its lease end does not repeat it', async () => {
    let failures = 1;
    const queue: JobQueue = {
      ...store.queue,
      async settle(updates, now) {
        if (failures-- > 0) throw new Error('SQLITE_BUSY: database is locked');
        await store.queue.settle(updates, now);
      },
    };
    const { sender, calls } = scriptedSender(clock, firstWins);
    const d = dispatcher({ sender, kind: memoKind() }, { queue, policy: { leaseMs: 40_000 } });
    await seed(store, 'e1', [{ request: { memo: 'note:e1:r:0' } }]);
    d.start();
    await until(async () => calls.length === 1 && (await job('e1:r:0')).status === 'running');
    await clock.run(50_000);
    await d.idle();
    expect(calls).toHaveLength(2);
    expect(calls[1]?.ctx[0]?.memos).toEqual({ 'note:e1:r:0': 'root-1' });
    expect(await job('e1:r:0')).toMatchObject({ status: 'done', attempts: 2, ref: 'reply-to-root-1' });
  });

  it('records memos from outcomes that are not ok too (a partial success)', async () => {
    const script: Script = (_request, ctx, n) =>
      n === 1 ? { status: 'retry', reason: 'HTTP 503 after the first step', memos: [{ key: 'k', value: 'step-1' }] } : { status: 'ok', ref: ctx.memos?.k ?? 'none' };
    const { sender } = scriptedSender(clock, script);
    const d = dispatcher({ sender, kind: memoKind() });
    await seed(store, 'e1', [{ request: { memo: 'k' } }]);
    d.start();
    await d.idle();
    await clock.run(60_000);
    await d.idle();
    expect(await job('e1:r:0')).toMatchObject({ status: 'done', attempts: 2, ref: 'step-1' });
  });
});
