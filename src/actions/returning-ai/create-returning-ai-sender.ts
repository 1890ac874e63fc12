import type { Outcome, SendContext, Sender, SenderDeps } from '../action.js';
import type { ReturningAiDestination } from './returning-ai-config.js';
import type { ReturningAiRequest } from './returning-ai-request.js';
import { classifyReturningAiError, classifyReturningAiResponse } from './classify-returning-ai.js';

/** Production Integration API host (https://dev.returning.ai/api-15023884). */
export const RETURNING_AI_API = 'https://integration.returning.ai';
export const SEND_MESSAGE_PATH = '/apis/v1/messages/send';

/**
 * The live Returning.AI sender: Node's `fetch` (there is no SDK), `Authorization: Bearer <token>`,
 * one POST per message, bounded by `timeoutMs` and the job's signal. It never retries: the
 * dispatcher does, from the classified outcome. `now` dates an HTTP-date Retry-After.
 */
export function createReturningAiSender(_dest: ReturningAiDestination, deps: SenderDeps, now: () => number = Date.now): Sender<ReturningAiRequest> {
  const token = deps.secrets.token;
  if (token === undefined || token === '') throw new Error('a live returning-ai sender needs the token credential');
  const url = `${(deps.apiUrl ?? RETURNING_AI_API).replace(/\/+$/, '')}${SEND_MESSAGE_PATH}`;

  return {
    async send(request: ReturningAiRequest, ctx: SendContext): Promise<Outcome> {
      if (ctx.signal.aborted) return { status: 'retry', reason: 'cancelled before sending' };
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(request),
          signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(deps.timeoutMs)]),
        });
      } catch (error) {
        return classifyReturningAiError(error);
      }
      let body: unknown;
      try {
        body = JSON.parse(await response.text());
      } catch (error) {
        // The status arrived; a body cut off or not JSON is judged by the status alone.
        if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError') && response.ok) {
          return { status: 'ambiguous', reason: `returning-ai ${response.status}, but the answer timed out` };
        }
        body = undefined;
      }
      const outcome = classifyReturningAiResponse(response.status, body, response.headers.get('retry-after'), now());
      return outcome.status === 'ok' ? { status: 'ok', detail: { channelId: request.channelId } } : outcome;
    },
  };
}
