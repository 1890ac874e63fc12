import type { Outcome, SendContext, Sender } from '../actions/action.js';
import type { Call } from './group-calls.js';
import { errorMessage } from '../error-message.js';

/**
 * Runs one call and returns one outcome per job, in order. A sender is meant to classify vendor
 * failures, not throw; if it throws anyway, every job of the call is retried (a bug or an
 * unexpected error must not crash the loop or lose the job).
 */
export async function runCall(
  sender: Sender<unknown>,
  call: Call,
  signal: AbortSignal,
  memosOf: (index: number) => Readonly<Record<string, string>> | undefined = () => undefined,
  spentRequests?: (requests: number) => void,
): Promise<Outcome[]> {
  const items = call.jobs.map((job, index) => {
    const memos = memosOf(index);
    const ctx: SendContext = { jobId: job.id, eventId: job.eventId, idempotencyKey: job.planKey, signal, ...(memos !== undefined && { memos }), ...(spentRequests !== undefined && { spentRequests }) };
    return { request: job.request as unknown, ctx };
  });
  try {
    if (call.batch && sender.sendBatch !== undefined) {
      const outcomes = await sender.sendBatch(items);
      return items.map((_, i) => outcomes[i] ?? { status: 'retry', reason: 'sender returned no outcome for this item' });
    }
    const [only] = items;
    if (only === undefined || items.length > 1) throw new Error('a single send takes exactly one job');
    return [await sender.send(only.request, only.ctx)];
  } catch (err) {
    return items.map(() => ({ status: 'retry', reason: `sender threw: ${errorMessage(err)}` }));
  }
}
