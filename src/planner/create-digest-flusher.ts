import type { Json, JsonObject } from '../events/event.js';
import type { Logger } from '../log.js';
import type { DigestStore, DigestWindowRef, StoredDigestItem } from '../store/digest-store.js';
import type { PlannedJob } from '../store/planner-store.js';
import type { PlanningRules } from './planning-rules.js';

/** How long past a window's end its flush waits, so an event received at its last instant is planned into it first. */
export const DIGEST_SETTLE_MS = 1000;
/** Windows per store read. */
const BATCH = 100;

/** The timer the flusher runs on (tests pass their own). */
export interface FlushTimer {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface DigestFlusherOptions {
  readonly store: DigestStore;
  readonly rules: () => PlanningRules;
  readonly now: () => number;
  readonly log: Logger;
  /** How often closed windows are looked for (default 1 s). */
  readonly intervalMs?: number;
  readonly settleMs?: number;
  readonly timer?: FlushTimer;
  /** After each window flushed into jobs (wire the dispatcher's `wake` and metrics here). */
  readonly onFlushed?: (digest: { readonly rule: string; readonly items: number; readonly jobs: number }) => void;
}

export interface DigestFlusher {
  /** Flushes what has closed (windows that closed while the bridge was down included), then every interval. */
  start(): void;
  /** One pass now: flushes every window ending at or before `until` (default now − settle); returns how many. */
  flush(until?: number): Promise<number>;
  /** Waits for a pass in progress; no new one starts. */
  stop(): Promise<void>;
}

const systemTimer: FlushTimer = {
  setInterval: (fn, ms) => {
    const handle = setInterval(fn, ms);
    handle.unref();
    return handle;
  },
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

const isObject = (v: Json): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Sends digests (README "Digests"): a window is flushed once it ended `settleMs` ago and no event
 * received before its end still waits for the planner (that event may belong in it). Each window is
 * one store transaction that renders its actions with the rules in force, inserts the jobs (ids
 * `<newest item's event id>:<rule>:<index>`) and deletes the items. A window whose rule is gone
 * from the rules, or is no digest any more, is dropped with a warning.
 */
export function createDigestFlusher(opts: DigestFlusherOptions): DigestFlusher {
  const { store, log } = opts;
  const settleMs = opts.settleMs ?? DIGEST_SETTLE_MS;
  const timer = opts.timer ?? systemTimer;
  let handle: unknown;
  let running: Promise<number> | undefined;
  let stopped = false;

  const render = (w: DigestWindowRef, rules: PlanningRules) => (items: readonly StoredDigestItem[]): PlannedJob[] => {
    const rendered = rules.renderDigest?.({ ...w, items: items.map((i) => ({ eventId: i.eventId, item: isObject(i.item) ? i.item : {} })) });
    if (rendered === undefined) {
      log.warn({ rule: w.rule, windowEnd: new Date(w.windowEnd).toISOString(), items: items.length }, 'digest dropped: its rule is no longer a digest rule in rules.yaml');
      return [];
    }
    for (const m of rendered.misses) log.warn({ rule: w.rule, reason: m.reason }, 'digest action not built');
    const eventId = items.at(-1)?.eventId ?? '';
    return rendered.actions.map((a) => ({
      id: a.key, eventId, rule: w.rule, actionIndex: a.index, destination: a.destination, kind: a.kind, request: a.request,
      ...(rendered.dueAt !== undefined && { dueAt: rendered.dueAt }),
    }));
  };

  async function pass(until: number): Promise<number> {
    const oldest = await store.oldestUnplannedAt();
    const end = Math.min(until, oldest ?? Number.POSITIVE_INFINITY);
    let flushed = 0;
    for (;;) {
      const windows = await store.closedWindows(end, BATCH);
      for (const w of windows) {
        const rules = opts.rules();
        const done = await store.flushWindow(w, render(w, rules), opts.now());
        flushed += 1;
        if (done.jobs > 0) opts.onFlushed?.({ rule: w.rule, items: done.items, jobs: done.jobs });
      }
      if (windows.length < BATCH) return flushed;
    }
  }

  async function flush(until?: number): Promise<number> {
    while (running !== undefined) await running.catch(() => 0);
    running = pass(until ?? opts.now() - settleMs);
    try {
      return await running;
    } finally {
      running = undefined;
    }
  }

  const tick = (): void => {
    if (stopped || running !== undefined) return;
    flush().catch((err: unknown) => log.error({ err }, 'flushing digests failed; retrying shortly'));
  };

  return {
    start() {
      if (handle !== undefined || stopped) return;
      handle = timer.setInterval(tick, opts.intervalMs ?? 1000);
      tick();
    },
    flush,
    async stop() {
      stopped = true;
      if (handle !== undefined) timer.clearInterval(handle);
      await running?.catch(() => 0);
    },
  };
}
