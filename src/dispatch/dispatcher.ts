import type { Outcome } from '../actions/action.js';
import type { ClaimWant, Job, JobUpdate, MemoWrite } from '../store/job-queue.js';
import type { BreakerState } from './circuit-breaker.js';
import type { Dispatcher, DispatcherOptions, SetTimer } from './dispatcher-types.js';
import { createLane, type KeyedLimit, type Lane } from './lane.js';
import { resolvePolicy } from './dispatch-policy.js';
import { groupCalls, type Call } from './group-calls.js';
import { logOutcome } from './log-outcome.js';
import { nextStep } from './next-step.js';
import { createRateLimiter } from './rate-limiter.js';
import { runCall } from './run-call.js';

export type { DispatchDestination } from './lane.js';
export type { Dispatcher, DispatcherOptions, SetTimer, SettledJob } from './dispatcher-types.js';

/** A lane's share of a turn's first claim: the jobs it got, of the `limit` it asked for. */
interface Claimed {
  readonly jobs: Job[];
  readonly limit: number;
}

const memoKey = (destination: string, key: string) => `${destination}\u0000${key}`;

const defaultSetTimer: SetTimer = (fn, ms) => {
  const t = setTimeout(fn, ms);
  t.unref();
  return () => clearTimeout(t);
};

/**
 * The dispatcher: claims due jobs and runs them through their destination's sender, with
 * per-destination concurrency, rate limits, batching, retries with backoff, dead letters and a
 * circuit breaker. It owns every retry (senders only classify), and never lets a sender's
 * exception stop the loop.
 *
 * The queue is async, so the loop runs one turn at a time (`turn`): start-up recovery, then each
 * tick's sweep, claims and releases, in order, never two at once. So a lane never counts its free
 * slots while another claim for it is on its way, and recovery never puts back a job a tick just
 * claimed. A call keeps its lane slot (and its ids in `inFlight`) until its outcome and memos are
 * stored, so the lane's next claim sees them: a job is never claimed twice, a thread reply finds
 * its root, and a paced lane (concurrency 1) stays paced. `stop` waits for the turn and the calls.
 *
 * @example
 * const dispatcher = createDispatcher({ queue: store.queue, destinations, now: Date.now, log });
 * dispatcher.start();
 */
export function createDispatcher(opts: DispatcherOptions): Dispatcher {
  const { queue, now, log } = opts;
  // Lanes another process owns (lane-leases.ts) are left alone: not claimed, not waited for.
  const owns = opts.owns ?? (() => true);
  const policy = resolvePolicy(opts.policy);
  const random = opts.random ?? Math.random;
  const setTimer = opts.setTimer ?? defaultSetTimer;
  // Shared with what else spends the destinations' budgets (the planner's CRM lookups), when given.
  const limiter = opts.limiter ?? createRateLimiter(policy.rateBurst);
  // Destinations may change while running (a rules reload replaces a changed destination's entry):
  // each tick re-reads the map, keeping the lane (breaker, holds) of every unchanged entry.
  const laneByName = new Map<string, Lane>();
  const syncLanes = (): Lane[] => {
    for (const [name, dest] of opts.destinations) {
      if (laneByName.get(name)?.dest !== dest) laneByName.set(name, createLane(name, dest, policy, log));
    }
    for (const name of [...laneByName.keys()]) if (!opts.destinations.has(name)) laneByName.delete(name);
    return [...laneByName.values()];
  };
  let lanes: Lane[] = syncLanes();

  let state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  let wakePending = false;
  /** The loop's turn in progress (start-up recovery or a tick), if any; `again`: tick once more after it. */
  let turn: Promise<void> | undefined;
  let again = false;
  let cancelTimer: (() => void) | undefined;
  const running = new Set<Promise<void>>();
  /** Ids of the jobs whose calls are in flight here: never recovered from under a live call. */
  const inFlight = new Set<string>();
  // Lost jobs (running past their lease) are looked for on a tick at most this often.
  const sweepEveryMs = Math.max(1000, Math.floor(policy.leaseMs / 4));
  let nextSweepAt = Number.NEGATIVE_INFINITY;
  const controllers = new Set<AbortController>();
  let idleWaiters: (() => void)[] = [];

  /**
   * A batching destination (HubSpot upserts) lets a part-filled batch fill, like a producer's
   * linger: it goes once no job has come in for `batchWaitMs`, or once its oldest job has waited
   * `batchMaxWaitMs`. A fixed wait from the first job sent part-filled calls in the middle of a
   * burst, each costing one more call at its end. The claimed jobs go back without using an attempt.
   */
  async function shouldLinger(lane: Lane, jobs: readonly Job[], t: number): Promise<boolean> {
    if (lane.perCall <= 1 || jobs.length >= lane.perCall || policy.batchWaitMs <= 0) return false;
    const oldest = Math.min(...jobs.map((j) => j.nextAt));
    const newest = Math.max(...jobs.map((j) => j.nextAt));
    const maxWait = Math.max(policy.batchMaxWaitMs, policy.batchWaitMs);
    if (t - newest >= policy.batchWaitMs || t - oldest >= maxWait) return false;
    // Back as due as they were (`oldest`), so the wait is measured from the first job, not reset.
    lane.holdUntil = Math.min(oldest + maxWait, newest + policy.batchWaitMs);
    await queue.release(jobs.map((j) => j.id), oldest, t);
    return true;
  }

  /**
   * The first claim of every lane that can take jobs now, in one round trip (`claimDueFor`), so a
   * lane with nothing due costs no query of its own: with many destinations, a tick would
   * otherwise ask once per lane. A lane with one vendor key (HubSpot) claims in `fill`, once its
   * limiter lets it.
   */
  async function claimFirst(t: number): Promise<Map<string, Claimed>> {
    const wants: ClaimWant[] = [];
    for (const lane of lanes) {
      if (!owns(lane.name) || lane.soleKey || lane.breaker.state(t) === 'open' || t < lane.holdUntil) continue;
      const slots = lane.slots(t);
      if (slots > 0) wants.push({ destination: lane.name, limit: slots * lane.perCall });
    }
    const claimed = new Map<string, Claimed>(wants.map((w) => [w.destination, { jobs: [], limit: w.limit }]));
    if (wants.length === 0) return claimed;
    for (const job of await queue.claimDueFor(t, wants)) claimed.get(job.destination)?.jobs.push(job);
    return claimed;
  }

  /** Claims and starts what `lane` can take now; `first` is its share of `claimFirst`, if it had one. */
  async function fill(lane: Lane, t: number, first: Claimed | undefined): Promise<void> {
    let unused = first;
    try {
      if (lane.breaker.state(t) === 'open') {
        // Push its due jobs to the trial time without using attempts (they were never claimed).
        await queue.deferDestination(lane.name, lane.breaker.openUntil(), t);
        return;
      }
      if (t < lane.holdUntil) return;
      for (;;) {
        let slots = lane.slots(t);
        if (lane.soleKey) {
          // One vendor key for the whole destination (e.g. HubSpot): claim only what may go now.
          const wait = limiter.wait(lane.soleKey.key, lane.soleKey.limit, t);
          if (wait > 0) {
            lane.holdUntil = t + wait;
            return;
          }
          slots = Math.min(slots, 1);
        }
        if (slots <= 0 || state !== 'running') return;
        const limit = unused?.limit ?? slots * lane.perCall;
        const jobs = unused?.jobs ?? (await queue.claimDue(t, limit, { destination: lane.name }));
        unused = undefined;
        if (jobs.length === 0) return;
        // Stopped while claiming: nothing new starts; they go back without using an attempt.
        if (state !== 'running') return await queue.release(jobs.map((j) => j.id), t, t);
        if (await shouldLinger(lane, jobs, t)) return;
        if ((await dispatchClaimed(lane, jobs, slots, t)) === 0) return;
        // Fewer than asked for: nothing else was due, so no second claim to learn that.
        if (jobs.length < limit) return;
      }
    } finally {
      // A first claim this lane could not use goes back without using an attempt.
      if (unused !== undefined && unused.jobs.length > 0) await queue.release(unused.jobs.map((j) => j.id), t, t);
    }
  }

  /**
   * Starts calls for claimed jobs; gives back (without an attempt) what cannot go now. The calls
   * start before anything is awaited, so the slots counted for them are the slots they take.
   */
  async function dispatchClaimed(lane: Lane, jobs: readonly Job[], slots: number, t: number): Promise<number> {
    const kind = lane.dest.kind.kind;
    const runnable: Job[] = [];
    const wrongKind: Job[] = [];
    for (const job of jobs) (job.kind === kind ? runnable : wrongKind).push(job);
    let launched = 0;
    let blockedUntil = Number.POSITIVE_INFINITY;
    const notNow: string[] = [];
    const later: { ids: string[]; at: number }[] = [];
    for (const call of groupCalls(runnable, lane.batchKeyOf, lane.perCall)) {
      const ids = call.jobs.map((j) => j.id);
      const [first] = call.jobs;
      if (first === undefined) continue;
      if (launched >= slots || lane.breaker.allowance(t) <= 0) {
        notNow.push(...ids);
        continue;
      }
      const rate = lane.rateLimitOf(first);
      const wait = rate === undefined ? 0 : limiter.take(rate.key, rate.limit, t, lane.requestsOf(call.jobs));
      if (wait > 0) {
        later.push({ ids, at: t + wait });
        blockedUntil = Math.min(blockedUntil, t + wait);
        continue;
      }
      launch(lane, call, rate, t);
      launched += 1;
    }
    if (launched === 0 && blockedUntil !== Number.POSITIVE_INFINITY) lane.holdUntil = blockedUntil;
    for (const { ids, at } of later) await queue.release(ids, at, t);
    await queue.release(notNow, t, t);
    for (const job of wrongKind) {
      const update = { id: job.id, to: 'dead', reason: `destination "${lane.name}" is kind "${kind}" now, the job was planned for "${job.kind}"` } as const;
      await queue.deadLetter(job.id, update.reason, t);
      logOutcome(log, lane.name, job, 'fail', update);
      report(lane, [job], [{ status: 'fail', reason: update.reason }], [update], t);
    }
    return launched;
  }

  function launch(lane: Lane, call: Call, rate: KeyedLimit | undefined, t: number): void {
    lane.inFlight += 1;
    for (const j of call.jobs) inFlight.add(j.id);
    const trial = lane.breaker.started(t);
    const controller = new AbortController();
    controllers.add(controller);
    log.debug({ destination: lane.name, eventIds: call.jobs.map((j) => j.eventId), jobs: call.jobs.map((j) => j.id), batch: call.batch }, 'sending');
    // The slot and the ids are held until `finish` has stored the outcome (see the `finally`).
    const about = () => ({ destination: lane.name, eventIds: call.jobs.map((j) => j.eventId), jobs: call.jobs.map((j) => j.id) });
    const p: Promise<void> = readMemos(lane, call, t)
      .then(
        (memos) => runCall(lane.dest.sender, call, controller.signal, (i) => memos[i], rate === undefined ? undefined : (n) => limiter.charge(rate.key, rate.limit, now(), n))
          .then((outcomes) => finish(lane, call, outcomes, trial, rate))
          .catch((err: unknown) => log.error({ err, ...about() }, 'recording an outcome failed; the jobs run again once their lease expires')),
        // Not sent: without its memos a job could create twice what an earlier attempt created.
        (err: unknown) => log.error({ err, ...about() }, 'reading memos failed; the jobs run again once their lease expires'),
      )
      .finally(() => {
        if (rate !== undefined) limiter.answered(rate.key, rate.limit, now());
        lane.inFlight -= 1;
        for (const j of call.jobs) inFlight.delete(j.id);
        controllers.delete(controller);
        running.delete(p);
        wake();
        checkIdle();
      });
    running.add(p);
  }

  /**
   * Each job's memos (`ActionKind.memoKeys`), read just before its call: a message sent after
   * another's answer sees what that one recorded. Keys are scoped `<destination>\0<key>` in the store.
   */
  async function readMemos(lane: Lane, call: Call, t: number): Promise<(Record<string, string> | undefined)[]> {
    const keysPerJob = call.jobs.map((job) => lane.memoKeysOf(job));
    const all = [...new Set(keysPerJob.flat())];
    if (all.length === 0) return call.jobs.map(() => undefined);
    const found = await queue.readMemos(all.map((k) => memoKey(lane.name, k)), t);
    return keysPerJob.map((keys) => {
      const out: Record<string, string> = {};
      for (const k of keys) {
        const v = found.get(memoKey(lane.name, k));
        if (v !== undefined) out[k] = v;
      }
      return out;
    });
  }

  async function finish(lane: Lane, call: Call, outcomes: readonly Outcome[], trial: boolean, rate: KeyedLimit | undefined): Promise<void> {
    // After stop() the store may be closed; the jobs stay running and are recovered on start.
    if (state === 'stopped') return;
    const t = now();
    const destination = lane.name;
    const ctx = { now: t, policy, random, retryAmbiguous: lane.dest.retryAmbiguous ?? false, ...(opts.scrub && { scrub: opts.scrub }) };
    const updates: JobUpdate[] = call.jobs.map((job, i) => nextStep(job, outcomes[i] ?? { status: 'retry', reason: 'no outcome' }, ctx));
    const retryAfter = Math.max(0, ...outcomes.map((o) => (o.status === 'retry' ? (o.retryAfterMs ?? 0) : 0)));
    // A 429 speaks for the whole bucket: hold its other jobs too, not just this one. A kind with
    // no bucket of ours (Discord follows its own headers) holds the whole destination instead.
    if (retryAfter > 0) {
      if (rate !== undefined) limiter.pauseUntil(rate.key, t + retryAfter);
      else lane.holdUntil = Math.max(lane.holdUntil, t + retryAfter);
    }
    // The destination answered (ok, a permanent error about this request, or "slow down, come back
    // in N ms": a rate limit is not an outage); other retries and timeouts (ambiguous) are what an
    // outage looks like.
    const healthy = outcomes.some((o) => o.status === 'ok' || o.status === 'fail' || (o.status === 'retry' && o.retryAfterMs !== undefined));
    const transition = lane.breaker.record(healthy, trial, t);
    if (transition === 'opened') log.warn({ destination, until: new Date(lane.breaker.openUntil()).toISOString() }, 'circuit breaker opened');
    if (transition === 'closed') log.info({ destination }, 'circuit breaker closed');
    const memos: MemoWrite[] = outcomes.flatMap((o: Outcome) =>
      (o.memos ?? []).map((m) => ({ key: memoKey(destination, m.key), value: m.value, expiresAt: m.ttlMs === undefined ? null : t + m.ttlMs })),
    );
    // Recorded before the outcome, in a commit of their own: if the outcome cannot be recorded (a
    // busy or full disk) and the job runs again at its lease's end, it still sees what this
    // attempt created (a note, a thread root) and does not create it twice.
    try {
      await queue.remember(memos);
    } catch (err) {
      log.error({ err, destination, jobs: call.jobs.map((j) => j.id) }, 'recording memos failed; a later attempt of these jobs may repeat what this one created');
    }
    await queue.settle(updates, t);
    call.jobs.forEach((job, i) => {
      const u = updates[i];
      if (u !== undefined) logOutcome(log, destination, job, outcomes[i]?.status ?? 'retry', u);
    });
    report(lane, call.jobs, outcomes, updates, t);
  }

  function report(lane: Lane, jobs: readonly Job[], outcomes: readonly Outcome[], updates: readonly JobUpdate[], t: number): void {
    if (opts.onSettled === undefined) return;
    try {
      jobs.forEach((job, i) => {
        const u = updates[i];
        if (u === undefined) return;
        opts.onSettled?.({
          jobId: job.id, rule: job.rule, destination: lane.name, kind: job.kind, outcome: outcomes[i]?.status ?? 'retry', result: u.to,
          attempts: job.attempts, ageMs: t - job.createdAt, ...(u.to === 'done' && u.ref !== undefined && { ref: u.ref }),
        });
      });
    } catch (err) {
      log.error({ err }, 'onSettled failed');
    }
  }

  function schedule(delay: number): void {
    cancelTimer?.();
    cancelTimer = setTimer(() => {
      cancelTimer = undefined;
      tick();
    }, delay);
  }

  /**
   * Sets one timer for the next moment something can be claimed (completions wake the loop
   * themselves), and at most `pollMs` away (other processes' writes, clock jumps).
   */
  async function arm(t: number): Promise<void> {
    const eligible: string[] = [];
    let at = Number.POSITIVE_INFINITY;
    for (const lane of lanes) {
      if (!owns(lane.name)) continue;
      if (lane.breaker.state(t) === 'open') eligible.push(lane.name); // its jobs wait for the trial time
      else if (t < lane.holdUntil) at = Math.min(at, lane.holdUntil);
      else if (lane.slots(t) > 0) eligible.push(lane.name);
    }
    const due = eligible.length === 0 ? undefined : await queue.nextDueAt({ destinations: eligible });
    at = Math.min(at, due ?? Number.POSITIVE_INFINITY);
    if (state === 'running') schedule(Math.min(policy.pollMs, Math.max(1, at - t)));
  }

  /** Puts lost jobs (running past their lease, not in flight here) back to pending, as a restart would. */
  async function sweep(t: number): Promise<void> {
    if (t < nextSweepAt) return;
    nextSweepAt = t + sweepEveryMs;
    const recovered = await queue.recoverExpired(t - policy.leaseMs, t, { except: [...inFlight] });
    if (recovered > 0) log.warn({ recovered, leaseMs: policy.leaseMs }, 'jobs running past their lease will run again (their outcome was not recorded)');
  }

  async function runTick(): Promise<void> {
    const t = now();
    try {
      await sweep(t);
      lanes = syncLanes();
      const first = await claimFirst(t);
      try {
        for (const lane of lanes) {
          if (state !== 'running') return;
          const mine = first.get(lane.name);
          first.delete(lane.name);
          if (owns(lane.name)) await fill(lane, t, mine);
          else if (mine !== undefined && mine.jobs.length > 0) await queue.release(mine.jobs.map((j) => j.id), t, t);
        }
      } finally {
        // Stopped mid-turn: the lanes not reached give their first claims back.
        const left = [...first.values()].flatMap((c) => c.jobs.map((j) => j.id));
        if (left.length > 0) await queue.release(left, t, t);
      }
      await arm(t);
    } catch (err) {
      log.error({ err }, 'dispatch loop failed; trying again in 1 s');
      if (state === 'running') schedule(1000);
    }
  }

  /** Runs `first`, then one more tick for every tick asked for meanwhile, as one turn of the loop. */
  function startTurn(first: () => Promise<void>): void {
    // Begins on the next microtask, so `turn` is set before any of it runs.
    const current: Promise<void> = Promise.resolve()
      .then(async () => {
        await first();
        while (again && state === 'running') {
          again = false;
          await runTick();
        }
      })
      .catch((err: unknown) => log.error({ err }, 'dispatch loop failed'))
      .finally(() => {
        if (turn === current) turn = undefined;
        checkIdle();
      });
    turn = current;
  }

  function tick(): void {
    if (state !== 'running') return;
    if (turn !== undefined) {
      again = true;
      return;
    }
    again = false;
    startTurn(runTick);
  }

  /** Nothing in flight, no turn running or asked for: resolves false at once without asking the store. */
  const busy = (): boolean => running.size > 0 || wakePending || turn !== undefined;

  async function isIdle(): Promise<boolean> {
    if (busy()) return false;
    const t = now();
    const ready = lanes.filter((l) => owns(l.name) && l.breaker.state(t) !== 'open' && t >= l.holdUntil).map((l) => l.name);
    const due = ready.length === 0 ? undefined : await queue.nextDueAt({ destinations: ready });
    // Something may have started while the store answered: then it is that work's turn to check.
    return !busy() && (due === undefined || due > t);
  }

  function checkIdle(): void {
    if (idleWaiters.length === 0) return;
    const done = state === 'stopped' ? Promise.resolve(true) : isIdle();
    done.then(
      (idle) => {
        if (!idle) return;
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const w of waiters) w();
      },
      (err: unknown) => log.error({ err }, 'idle check failed'),
    );
  }

  function wake(): void {
    if (state !== 'running' || wakePending) return;
    wakePending = true;
    setImmediate(() => {
      wakePending = false;
      tick();
    });
  }

  return {
    start() {
      if (state !== 'new') throw new Error(`dispatcher cannot start: it is ${state}`);
      state = 'running';
      // The first turn: no tick claims anything before the jobs left running are back in pending.
      let recovery: Promise<void> | undefined;
      const recover = async (): Promise<void> => {
        // With lane leases, each lane's jobs are recovered when this process takes the lane (recoverLanes).
        if (opts.owns !== undefined) return;
        const recovered = await queue.recoverInFlight(now());
        if (recovered > 0) log.info({ recovered }, 'jobs in flight at the last stop will run again');
      };
      again = true;
      startTurn(() => (recovery = recover()));
      // Settles with the recovery (a store that cannot recover fails the start), not with the turn.
      return (turn ?? Promise.resolve()).then(() => recovery);
    },
    wake,
    laneBusy: (destination) => (laneByName.get(destination)?.inFlight ?? 0) > 0,
    async recoverLanes(destinations) {
      const recovered = await queue.recoverInFlight(now(), { destinations, except: [...inFlight] });
      if (recovered > 0) log.info({ recovered, lanes: destinations }, 'jobs in flight on lanes taken over will run again');
      wake();
      return recovered;
    },
    async stop(stopOpts = {}) {
      if (state === 'stopped') return { abandoned: 0 };
      state = 'stopping';
      cancelTimer?.();
      cancelTimer = undefined;
      if (running.size > 0 || turn !== undefined) {
        let cancelWait: (() => void) | undefined;
        const timedOut = new Promise<void>((resolve) => {
          cancelWait = setTimer(resolve, stopOpts.timeoutMs ?? 10_000);
        });
        // The turn first: it may still start calls for jobs it claimed before the stop.
        const drained = (async () => {
          await turn;
          await Promise.allSettled([...running]);
        })();
        await Promise.race([drained, timedOut]);
        cancelWait?.();
      }
      const abandoned = running.size;
      state = 'stopped';
      if (abandoned > 0) {
        for (const c of controllers) c.abort(new Error('dispatcher stopped'));
        log.warn({ abandoned }, 'stopped with calls in flight; their jobs run again on the next start');
      }
      checkIdle();
      return { abandoned };
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        checkIdle();
      });
    },
    stats() {
      const t = now();
      const breakers: Record<string, BreakerState> = {};
      for (const lane of lanes) breakers[lane.name] = lane.breaker.state(t);
      return { inFlight: running.size, breakers };
    },
  };
}
