import type { Logger } from '../log.js';
import type { LeaseStore } from '../store/lease-store.js';
import type { SetTimer } from './dispatcher-types.js';

/** A destination's lane as a lease name. */
export const laneLease = (destination: string): string => `lane:${destination}`;

export interface LaneLeasesOptions {
  readonly leases: LeaseStore;
  /** This process's id (random per start, with host and pid for people reading `bridge status`). */
  readonly owner: string;
  /** The destinations in force now (a reload changes them). */
  readonly destinations: () => readonly string[];
  readonly now: () => number;
  readonly setTimer: SetTimer;
  readonly log: Logger;
  /** How long a lease lasts without a heartbeat: a dead process's lanes pass on after at most this (default 15 s). */
  readonly ttlMs?: number;
  /** Lanes this process has just taken (at start, or from a process that stopped renewing): recover their running jobs, then wake. */
  readonly onTaken: (destinations: readonly string[]) => Promise<void>;
  /** Whether the lane has calls in flight here (a lane given up is released only once it has none). */
  readonly busy?: (destination: string) => boolean;
  /** Take only a fair share of the lanes, so several bridges spread them (default true). */
  readonly balance?: boolean;
}

export interface LaneLeases {
  /** Takes what it can, then renews every ttl/3. Resolves after the first round (and its onTaken). */
  start(): Promise<void>;
  /**
   * Whether this process may claim the destination's jobs now: it holds the lane's lease, and the
   * lease has at least a third of its length left, so a process whose heartbeat stalls stops
   * claiming before another can take the lane over.
   */
  owns(destination: string): boolean;
  /** The destinations this process may claim for now. */
  owned(): string[];
  /** Stops renewing and releases its leases, so the others take the lanes at once. */
  stop(): Promise<void>;
}

/**
 * Lane ownership across bridge processes sharing one store (README "Scaling out"). Every
 * destination's jobs are claimed by the one process holding its lane's lease, so its pace (Slack's
 * message a second per channel), its budget (HubSpot's calls per 10 s) and its batching hold for
 * the whole group, as they do in one process. A heartbeat renews the leases every ttl/3; a lane
 * whose holder stops renewing is taken by another process within ttl + ttl/3, which first puts the
 * lane's running jobs back to pending (counted as an attempt, as a restart does).
 */
export function createLaneLeases(opts: LaneLeasesOptions): LaneLeases {
  const ttlMs = opts.ttlMs ?? 15_000;
  const everyMs = Math.max(1, Math.floor(ttlMs / 3));
  /** Destination → when its lease was last granted (our clock). */
  const grantedAt = new Map<string, number>();
  let cancel: (() => void) | undefined;
  let stopped = false;
  let round: Promise<void> = Promise.resolve();

  /** Lanes this process is giving up (more than its share): not claimed; released once idle. */
  const leaving = new Set<string>();

  /**
   * Which lanes to ask for this round: those held, plus free ones up to this process's fair share
   * (lanes / live processes, rounded up); a process holding more than its share lets the excess go,
   * once nothing of it is in flight here, for a newcomer to take. Live processes are counted by
   * their own `process:` lease, renewed with the lanes.
   */
  async function plan(destinations: readonly string[], t: number): Promise<string[]> {
    const all = await opts.leases.list();
    const live = new Set(all.filter((l) => l.name.startsWith('process:') && l.expiresAt > t).map((l) => l.owner));
    live.add(opts.owner);
    const fair = Math.ceil(destinations.length / live.size);
    const current = new Map(all.filter((l) => l.expiresAt > t).map((l) => [l.name, l.owner]));
    const mine = destinations.filter((d) => current.get(laneLease(d)) === opts.owner);
    const free = destinations.filter((d) => !current.has(laneLease(d)));
    // Spread the free lanes over the processes: each starts looking at its own place in the list.
    const offset = [...opts.owner].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % Math.max(1, free.length);
    const rotated = [...free.slice(offset), ...free.slice(0, offset)];
    for (const d of mine.slice(fair)) leaving.add(d);
    for (const d of [...leaving]) {
      if (!mine.includes(d) || !destinations.includes(d)) leaving.delete(d);
    }
    const release = [...leaving].filter((d) => !(opts.busy?.(d) ?? false));
    if (release.length > 0) {
      await opts.leases.release(release.map(laneLease), opts.owner);
      for (const d of release) {
        leaving.delete(d);
        grantedAt.delete(d);
      }
      opts.log.info({ lanes: release, processes: live.size }, 'gave lanes to other bridges (more than a fair share)');
    }
    const keep = mine.filter((d) => !release.includes(d));
    return [...keep, ...rotated.slice(0, Math.max(0, fair - keep.length))];
  }

  async function renew(): Promise<void> {
    const destinations = opts.destinations();
    const t = opts.now();
    let grant;
    try {
      const wanted = opts.balance === false ? [...destinations] : await plan(destinations, t);
      grant = await opts.leases.acquire([`process:${opts.owner}`, ...wanted.map(laneLease)], opts.owner, ttlMs, t);
    } catch (err) {
      // Keep what we hold until it runs out (owns() checks the time); the next round tries again.
      opts.log.warn({ err }, 'renewing lane leases failed');
      return;
    }
    const held = new Set(grant.held);
    const taken = destinations.filter((d) => grant.taken.includes(laneLease(d)));
    for (const d of [...grantedAt.keys()]) if (!held.has(laneLease(d))) grantedAt.delete(d);
    for (const d of destinations) if (held.has(laneLease(d)) && !taken.includes(d)) grantedAt.set(d, t);
    if (taken.length === 0) return;
    // A lane taken is claimed from only once its running jobs are recovered: until then this
    // process does not own it, so nothing of it is claimed while recovery runs.
    for (const d of taken) grantedAt.delete(d);
    try {
      await opts.onTaken(taken);
    } catch (err) {
      // Give them back, so the next round takes them again and retries the recovery.
      opts.log.warn({ err, lanes: taken }, 'recovering taken lanes failed; giving them back');
      await opts.leases.release(taken.map(laneLease), opts.owner).catch(() => undefined);
      return;
    }
    for (const d of taken) grantedAt.set(d, t);
    opts.log.info({ lanes: taken }, 'took lanes');
  }

  function loop(): void {
    if (stopped) return;
    cancel = opts.setTimer(() => {
      round = renew().finally(loop);
    }, everyMs);
  }

  const owns = (destination: string): boolean => {
    if (leaving.has(destination)) return false;
    const at = grantedAt.get(destination);
    return at !== undefined && opts.now() < at + ttlMs - everyMs;
  };

  return {
    async start() {
      round = renew();
      await round;
      loop();
    },
    owns,
    owned: () => [...grantedAt.keys()].filter(owns).sort(),
    async stop() {
      stopped = true;
      cancel?.();
      await round.catch(() => undefined);
      const names = [`process:${opts.owner}`, ...[...grantedAt.keys(), ...leaving].map(laneLease)];
      grantedAt.clear();
      await opts.leases.release(names, opts.owner).catch((err: unknown) => opts.log.warn({ err }, 'releasing lane leases failed'));
    },
  };
}
