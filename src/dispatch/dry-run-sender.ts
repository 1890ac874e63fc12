import type { Sender } from '../actions/action.js';

/** The `ref` a dry-run delivery records, in the store and in its log line. */
export const DRY_RUN_REF = 'dry-run';

/**
 * The sender for a destination without credentials: sends nothing and reports success, so the
 * quick start runs before any token exists (issue 2, "runs dry"). The dispatcher's outcome line
 * for it is `dry run: would send` with the exact request (log-outcome.ts); the request holds no
 * credentials (ActionKind.buildRequest never sees them).
 */
export function createDryRunSender(): Sender<unknown> {
  return { send: () => Promise.resolve({ status: 'ok', ref: DRY_RUN_REF }) };
}
