import type { Outcome } from '../action.js';

/**
 * Maps what `@slack/web-api` 8 throws to an Outcome. Errors are recognised by their documented
 * `code` (`ErrorCode.*`), so this module does not load the SDK. Reasons carry Slack's error code or
 * the HTTP status only: never the token, the request or the response body.
 */

/** Platform errors (`ok: false`) that are transient and known not to have posted anything. */
const RETRY_PLATFORM = new Set(['ratelimited', 'rate_limited', 'service_unavailable', 'request_timeout', 'team_added_to_org']);
/** "It's possible some aspect of the operation succeeded before the error was raised" (Slack's docs). */
const AMBIGUOUS_PLATFORM = new Set(['internal_error', 'fatal_error']);

/**
 * Socket errors raised before any byte of the request left: safe to retry even though
 * chat.postMessage has no idempotency key. Anything else after the connection opened
 * (reset, closed socket, timeout) may have posted the message.
 */
const BEFORE_SEND = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

interface SlackLikeError {
  code?: unknown;
  data?: { error?: unknown };
  retryAfter?: unknown;
  statusCode?: unknown;
  original?: unknown;
}

export function classifySlackError(error: unknown): Outcome {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SlackLikeError;
  switch (e.code) {
    case 'slack_webapi_rate_limited_error': {
      const seconds = typeof e.retryAfter === 'number' ? e.retryAfter : undefined;
      return { status: 'retry', reason: 'slack rate limited (429)', ...(seconds !== undefined && { retryAfterMs: seconds * 1000 }) };
    }
    case 'slack_webapi_platform_error': {
      const code = typeof e.data?.error === 'string' && /^[a-z0-9_]{1,64}$/.test(e.data.error) ? e.data.error : 'unknown_error';
      const reason = `slack error: ${code}`;
      if (RETRY_PLATFORM.has(code)) return { status: 'retry', reason };
      if (AMBIGUOUS_PLATFORM.has(code)) return { status: 'ambiguous', reason };
      return { status: 'fail', reason };
    }
    case 'slack_webapi_http_error': {
      const status = typeof e.statusCode === 'number' ? e.statusCode : 0;
      const reason = `slack http ${status}`;
      return status >= 500 || status === 408 || status === 429 ? { status: 'retry', reason } : { status: 'fail', reason };
    }
    case 'slack_webapi_request_error':
      return classifyRequestError(e.original);
    default:
      // A 429 without a usable Retry-After header is thrown as a plain Error before anything else happens.
      if (error instanceof Error && error.message.startsWith('Retry header did not contain a valid timeout')) {
        return { status: 'retry', reason: 'slack rate limited (429, no Retry-After)' };
      }
      return { status: 'ambiguous', reason: `slack unexpected error: ${error instanceof Error ? error.name : typeof error}` };
  }
}

/** `original` is what `fetch` threw: a TimeoutError/AbortError, or `TypeError('fetch failed')` with a socket error as `cause`. */
export function classifyRequestError(original: unknown): Outcome {
  if (original instanceof Error && (original.name === 'TimeoutError' || original.name === 'AbortError')) {
    return { status: 'ambiguous', reason: 'slack request timed out after sending' };
  }
  if (original instanceof Error && original.message.startsWith('A rate limit was exceeded')) {
    return { status: 'retry', reason: 'slack rate limited (429)' };
  }
  const codes = causeCodes(original instanceof Error ? original.cause : undefined);
  const code = codes[0] ?? 'unknown';
  if (codes.length > 0 && codes.every((c) => BEFORE_SEND.has(c))) {
    return { status: 'retry', reason: `slack connection failed before sending: ${code}` };
  }
  return { status: 'ambiguous', reason: `slack request failed, may have been sent: ${code}` };
}

/** Socket error codes of a fetch `cause`, including every member of an AggregateError (happy eyeballs). */
function causeCodes(cause: unknown): string[] {
  if (cause instanceof AggregateError) return cause.errors.flatMap(causeCodes);
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? [code] : [];
}
