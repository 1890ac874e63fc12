import type { Sender } from '../actions/action.js';
import type { Logger } from '../log.js';

/**
 * The sender for a destination without credentials: logs exactly what it would have sent and
 * reports success, so the quick start runs before any token exists (issue 2, "runs dry").
 * The request holds no credentials (ActionKind.buildRequest never sees them).
 */
export function createDryRunSender(destination: string, log: Logger, kind?: string): Sender<unknown> {
  return {
    send(request, ctx) {
      log.info({ eventId: ctx.eventId, jobId: ctx.jobId, destination, kind, request }, 'dry run: would send');
      return Promise.resolve({ status: 'ok', ref: 'dry-run' });
    },
  };
}
