import type { JobStatus } from '../../src/store/job-queue.js';
import type { FakeServer, RecordedCall } from '../fakes/fake-server.js';
import type { FaultBridge } from './fault-bridge.js';

/** One row of a fault table: what the fake does, and what the store must say afterwards. */
export interface FaultCase {
  readonly name: string;
  /**
   * Scripts the fault on the fakes (the bridge is running, nothing sent yet). May return a promise
   * that settles once the fault's delayed effects (a slowed request) are over.
   */
  readonly arrange: (fb: FaultBridge) => void | Promise<void>;
  readonly status: JobStatus;
  readonly attempts: number;
  readonly lastError: string;
  /** What the vendor holds at the end (messages, contacts): 0 or 1, never 2. */
  readonly delivered: number;
  /** The vendor's Retry-After: the second call must not come sooner after the first. */
  readonly retryAfterMs?: number;
}

/**
 * The request is processed, but only after the client gave up (ACTION_TIMEOUT_MS): a timeout after
 * sending, the ambiguous case. Only the first request is slowed; the promise settles once the fake
 * has handled it.
 */
export function slowFirst(fake: FakeServer, ms: number): Promise<void> {
  let first = true;
  let handled!: () => void;
  const done = new Promise<void>((r) => (handled = r));
  fake.intercept(async () => {
    if (first) {
      first = false;
      await new Promise((r) => setTimeout(r, ms));
      // The route handles the request in the next microtasks; give it a turn.
      setImmediate(handled);
    }
    return undefined;
  });
  return done;
}

/** Milliseconds between the first two calls (as the fake recorded their arrival). */
export function gapMs(calls: readonly RecordedCall[]): number {
  const [a, b] = calls;
  if (a === undefined || b === undefined) throw new Error(`expected two calls, got ${calls.length}`);
  return b.at - a.at;
}
