import type { Outcome } from '../action.js';

/**
 * Returning.AI's documented answers: `200 {"status":"success",…}`, and errors as
 * `{ status, message }` with 400 (invalid body), 401 (missing or invalid token), 403 (no access to
 * this community or channel), 404 (unknown channel), 409 (conflict), 500.
 * https://dev.returning.ai/api-15023884, https://dev.returning.ai/gamification/award-user-badge
 * A 429 and its Retry-After are not documented; they are handled the usual way in case a proxy or
 * a future limit sends them.
 */
export function classifyReturningAiResponse(status: number, body: unknown, retryAfter: string | null, now: number): Outcome {
  const message = apiMessage(body);
  if (status >= 200 && status < 300) {
    if ((body as { status?: unknown } | null)?.status === 'success') return { status: 'ok' };
    // An answer we cannot read as success may still mean "not sent": never retried blindly.
    return { status: 'fail', reason: `returning-ai ${status} without "status": "success"${message}` };
  }
  const reason = `returning-ai ${status}${message}`;
  if (status === 429) {
    const wait = retryAfterMs(retryAfter, now);
    return { status: 'retry', reason, ...(wait !== undefined && { retryAfterMs: wait }) };
  }
  // A gateway that gave up waiting: Returning.AI may have posted the message after all.
  if (status === 504) return { status: 'ambiguous', reason };
  if (status >= 500 || status === 408) return { status: 'retry', reason };
  return { status: 'fail', reason };
}

/** Socket errors raised before any byte of the request left (undici `code`s). */
const BEFORE_SEND = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * What `fetch` threw. The send has no idempotency key, so anything after the connection opened
 * (timeout, reset) may have posted the message: ambiguous, never retried blindly.
 */
export function classifyReturningAiError(error: unknown): Outcome {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return { status: 'ambiguous', reason: 'returning-ai request timed out after sending' };
  }
  const codes = causeCodes(error instanceof Error ? error.cause : undefined);
  const code = codes[0] ?? (error instanceof Error ? error.name : typeof error);
  if (codes.length > 0 && codes.every((c) => BEFORE_SEND.has(c))) {
    return { status: 'retry', reason: `returning-ai connection failed before sending: ${code}` };
  }
  return { status: 'ambiguous', reason: `returning-ai request failed, may have been sent: ${code}` };
}

/** Socket error codes of a fetch `cause`, including every member of an AggregateError (happy eyeballs). */
function causeCodes(cause: unknown): string[] {
  if (cause instanceof AggregateError) return cause.errors.flatMap(causeCodes);
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? [code] : [];
}

/** Returning.AI's own `message` (e.g. `Channel not found`): first line, at most 120 characters. */
function apiMessage(body: unknown): string {
  const message = (body as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message.trim() !== '' ? ` (${message.trim().split('\n')[0]?.slice(0, 120) ?? ''})` : '';
}

/** `Retry-After` as seconds or an HTTP date (RFC 9110 10.2.3). */
function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
