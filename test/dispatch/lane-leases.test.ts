import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLaneLeases, type LaneLeases } from '../../src/dispatch/lane-leases.js';
import type { SqliteStore } from '../../src/store/sqlite-store.js';
import { openTemp, tempDir } from '../store/temp-store.js';
import { captureLog, fakeClock, type FakeClock } from './dispatch-fakes.js';

/** Lets the lease store's promises (and onTaken) run between timer steps. */
const flush = () => new Promise((r) => setImmediate(r));

describe('createLaneLeases', () => {
  let store: SqliteStore;
  let cleanup: () => void;
  let clock: FakeClock;
  let destinations: string[];
  const taken: { owner: string; lanes: readonly string[] }[] = [];

  beforeEach(() => {
    const t = tempDir();
    cleanup = t.cleanup;
    clock = fakeClock();
    store = openTemp(t.dir, clock);
    destinations = ['alerts', 'crm'];
    taken.length = 0;
  });
  afterEach(() => {
    store.close();
    cleanup();
  });

  /** A bridge process's lane leases; `alive.value = false` kills it (its heartbeats stop, nothing is released). */
  const process = (owner: string, alive = { value: true }): LaneLeases =>
    createLaneLeases({
      leases: store.leases,
      owner,
      destinations: () => destinations,
      now: clock.now,
      setTimer: (fn, ms) => clock.setTimer(() => alive.value && fn(), ms),
      log: captureLog().log,
      ttlMs: 15_000,
      onTaken: async (lanes) => void taken.push({ owner, lanes }),
    });

  /** Advances the clock a step at a time, letting each heartbeat's store call finish. */
  async function advance(ms: number, step = 1_000): Promise<void> {
    for (let done = 0; done < ms; done += step) {
      clock.advance(Math.min(step, ms - done));
      await flush();
      await flush();
    }
  }

  it('gives each lane to one process; a process that stops renewing loses its lanes to another within ttl + ttl/3', async () => {
    const aAlive = { value: true };
    const a = process('a', aAlive);
    const b = process('b');
    await a.start();
    await b.start();
    expect([a.owned(), b.owned()]).toEqual([['alerts', 'crm'], []]);
    expect(taken).toEqual([{ owner: 'a', lanes: ['alerts', 'crm'] }]);

    // a's next heartbeat sees two processes and lets one lane go; b takes it at its next.
    await advance(10_000);
    expect([a.owned(), b.owned()]).toEqual([['alerts'], ['crm']]);
    expect(taken.at(-1)).toEqual({ owner: 'b', lanes: ['crm'] });
    // Heartbeats keep each lane where it is for as long as both run.
    await advance(60_000);
    expect([a.owned(), b.owned()]).toEqual([['alerts'], ['crm']]);

    // a dies: its last renewal was at most one heartbeat (5 s) ago, and b takes over within ttl + ttl/3 of it.
    aAlive.value = false;
    await advance(9_000);
    expect(b.owned()).toEqual(['crm']);
    await advance(11_000);
    expect(b.owned()).toEqual(['alerts', 'crm']);
    expect(taken.at(-1)).toEqual({ owner: 'b', lanes: ['alerts'] });
    await b.stop();
  });

  it('spreads the lanes evenly over the processes, and lets a busy lane go only once it is idle', async () => {
    destinations = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6'];
    const busy = new Set(['d1', 'd2', 'd3', 'd4']);
    const a = createLaneLeases({
      leases: store.leases, owner: 'a', destinations: () => destinations, now: clock.now, setTimer: clock.setTimer,
      log: captureLog().log, ttlMs: 15_000, onTaken: async () => undefined, busy: (d) => busy.has(d),
    });
    await a.start();
    const b = process('b');
    const c = process('c');
    await b.start();
    await c.start();
    await advance(10_000);
    // a may keep 2 of its 6; the 4 it lets go stop being claimed at once, but d1..d4 still have calls in flight.
    expect(a.owned()).toEqual(['d1', 'd2']);
    expect([...b.owned(), ...c.owned()].sort()).toEqual(['d5', 'd6']);
    busy.clear();
    await advance(15_000);
    expect([a.owned().length, b.owned().length, c.owned().length]).toEqual([2, 2, 2]);
    expect([...a.owned(), ...b.owned(), ...c.owned()].sort()).toEqual(destinations);
    for (const p of [a, b, c]) await p.stop();
  });

  it('stops claiming before its lease can expire when renewing fails', async () => {
    const a = process('a');
    await a.start();
    const grantedAt = clock.now();
    store.close(); // every renewal fails from now on
    await advance(9_000);
    expect(a.owns('alerts')).toBe(true);
    await advance(1_000);
    // 10 s after the last grant: 5 s before expiry, another process could not take it yet, and a stops.
    expect(clock.now() - grantedAt).toBe(10_000);
    expect(a.owns('alerts')).toBe(false);
  });

  it('takes a destination added by a reload at the next heartbeat, and drops one removed', async () => {
    const a = process('a');
    await a.start();
    destinations = ['alerts', 'discord'];
    await advance(5_000);
    expect(a.owned()).toEqual(['alerts', 'discord']);
    expect(taken.at(-1)).toEqual({ owner: 'a', lanes: ['discord'] });
    expect(a.owns('crm')).toBe(false);
    await a.stop();
  });

  it('releases its lanes on stop, so another process takes them at its next heartbeat', async () => {
    const a = process('a');
    const b = process('b');
    await a.start();
    await b.start();
    await a.stop();
    await advance(5_000);
    expect(b.owned()).toEqual(['alerts', 'crm']);
  });
});
