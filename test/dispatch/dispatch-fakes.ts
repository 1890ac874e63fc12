import { z } from 'zod';
import type { AnyActionKind, Outcome, RateLimit, SendContext, Sender } from '../../src/actions/action.js';
import type { Json } from '../../src/events/event.js';
import { createLogger, type Logger } from '../../src/log.js';
import type { SetTimer } from '../../src/dispatch/dispatcher.js';

/** A clock and timers that only move when the test says so. */
export interface FakeClock {
  now: () => number;
  setTimer: SetTimer;
  /** Moves time forward by `ms`, firing each timer due on the way at its own time. */
  advance(ms: number): void;
  /**
   * As `advance`, but lets what each timer started run to its end (a turn of the event loop)
   * before time moves on: an async dispatcher turn fired at 30 s claims at 30 s.
   */
  run(ms: number): Promise<void>;
  pending(): number;
}

export function fakeClock(start = 1_700_000_000_000): FakeClock {
  let t = start;
  let seq = 0;
  const timers: { at: number; seq: number; fn: () => void }[] = [];
  return {
    now: () => t,
    setTimer(fn, ms) {
      const timer = { at: t + ms, seq: seq++, fn };
      timers.push(timer);
      return () => {
        const i = timers.indexOf(timer);
        if (i >= 0) timers.splice(i, 1);
      };
    },
    advance(ms) {
      const target = t + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const next = timers[0];
        if (next === undefined || next.at > target) break;
        timers.shift();
        t = next.at;
        next.fn();
      }
      t = target;
    },
    async run(ms) {
      const target = t + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const next = timers[0];
        if (next === undefined || next.at > target) break;
        timers.shift();
        t = next.at;
        next.fn();
        await new Promise((r) => setImmediate(r));
      }
      t = target;
    },
    pending: () => timers.length,
  };
}

/** A destination kind for tests: rate limit and batch key come from the request. */
export function fakeKind(opts: {
  rateLimit?: (request: Json) => RateLimit | undefined;
  batchKey?: (request: Json) => string | undefined;
  memoKeys?: (request: Json, idempotencyKey: string) => readonly string[];
  requestsPerCall?: (requests: readonly Json[]) => number;
} = {}): AnyActionKind {
  const { rateLimit, batchKey, memoKeys, requestsPerCall } = opts;
  return {
    kind: 'fake',
    destinationSchema: z.object({ kind: z.literal('fake') }),
    actionSchema: z.object({}),
    credentialFields: [],
    credentialSets: [],
    escape: (s: string) => s,
    buildRequest: () => ({}),
    rateLimit: (_dest: unknown, request: Json) => rateLimit?.(request),
    batchKey: batchKey === undefined ? undefined : (_dest: unknown, request: Json) => batchKey(request),
    memoKeys: memoKeys === undefined ? undefined : (_dest: unknown, request: Json, key: string) => memoKeys(request, key),
    requestsPerCall: requestsPerCall === undefined ? undefined : (_dest: unknown, requests: readonly Json[]) => requestsPerCall(requests),
    createSender: () => {
      throw new Error('not in tests');
    },
  };
}

export interface SentCall {
  readonly at: number;
  readonly batch: boolean;
  readonly jobIds: readonly string[];
  readonly requests: readonly Json[];
  readonly ctx: readonly SendContext[];
}

export type Script = (request: Json, ctx: SendContext, call: number) => Outcome | Promise<Outcome>;

/** A sender that records every call and answers from `script` (changeable mid-test). */
export function scriptedSender(clock: { now: () => number }, script: Script, opts: { maxBatch?: number } = {}) {
  const calls: SentCall[] = [];
  const state = { script };
  const record = (items: readonly { request: unknown; ctx: SendContext }[], batch: boolean): number => {
    calls.push({
      at: clock.now(), batch, jobIds: items.map((i) => i.ctx.jobId), requests: items.map((i) => i.request as Json), ctx: items.map((i) => i.ctx),
    });
    return calls.length;
  };
  const sender: Sender<unknown> = {
    async send(request, ctx) {
      const n = record([{ request, ctx }], false);
      return state.script(request as Json, ctx, n);
    },
    ...(opts.maxBatch === undefined ? {} : {
      maxBatch: opts.maxBatch,
      async sendBatch(items: readonly { request: unknown; ctx: SendContext }[]) {
        const n = record(items, true);
        return Promise.all(items.map((i) => state.script(i.request as Json, i.ctx, n)));
      },
    }),
  };
  return { sender, calls, state };
}

/** A logger that keeps its JSON lines. */
export function captureLog(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ level: 'debug', dest: { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) } });
  return { log, lines };
}
