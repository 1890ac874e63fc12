import type { Sender } from '../actions/action.js';

/** The `ref` a dry-run delivery records, in the store and in its log line. */
export const DRY_RUN_REF = 'dry-run';

/**
 * The sender for a destination without credentials: sends nothing and reports success, so the
 * quick start runs before any token exists (issue 2, "runs dry"). The dispatcher's outcome line
 * for it is `dry run: would send` with the exact request (log-outcome.ts); the request holds no
 * credentials (ActionKind.buildRequest never sees them).
 *
 * It takes the batches the live sender would (`maxBatch`, the kind's), and the dispatcher paces it
 * by the kind's rate limits, so a dry run goes out as the live one would: in the same calls, at the
 * same pace, with the same store writes per call.
 */
export function createDryRunSender(maxBatch = 1): Sender<unknown> {
  const ok = { status: 'ok', ref: DRY_RUN_REF } as const;
  return {
    send: () => Promise.resolve(ok),
    ...(maxBatch > 1 && { maxBatch, sendBatch: (items: readonly unknown[]) => Promise.resolve(items.map(() => ok)) }),
  };
}
