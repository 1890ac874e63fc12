import type { Outcome } from '../action.js';
import { DeadlineError } from './with-deadline.js';

/** An upsert by email and a batch read are idempotent (safe to repeat); a note create is not. */
export type HubspotOperation = 'upsert' | 'note' | 'read';

/** Socket errors raised before the request left (node-fetch `FetchError.code`). */
const BEFORE_SEND = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** `ApiException` of the generated clients (one class per API module, so matched by shape). */
interface ApiExceptionLike {
  code: number;
  body: unknown;
  headers: Record<string, string | undefined>;
}

/**
 * Maps what `@hubspot/api-client` 13 throws to an Outcome. `ApiException.message` embeds the whole
 * response body (emails, names), so reasons use only the status, `category` / `policyName` and
 * `correlationId`.
 */
export function classifyHubspotError(error: unknown, operation: HubspotOperation): Outcome {
  const what = `hubspot ${operation}`;
  if (isApiException(error)) {
    const body = (typeof error.body === 'object' && error.body !== null ? error.body : {}) as Record<string, unknown>;
    const reason = [`${what} ${error.code}`, safe(body.category) ?? safe(body.policyName), correlation(body.correlationId)].filter(Boolean).join(' ');
    if (error.code === 429) return { status: 'retry', reason, retryAfterMs: retryAfterMs(error.headers, body) };
    if (error.code >= 500 || error.code === 408) return { status: 'retry', reason };
    return { status: 'fail', reason };
  }
  if (error instanceof DeadlineError) {
    if (!error.sent) return { status: 'retry', reason: `${what} cancelled before sending` };
    if (operation === 'read') return { status: 'retry', reason: `${what} timed out (a read is safe to repeat)` };
    return operation === 'upsert'
      ? { status: 'retry', reason: `${what} timed out (an upsert is safe to repeat)` }
      : { status: 'ambiguous', reason: `${what} timed out, may have been created` };
  }
  const code = (error as { code?: unknown } | null)?.code;
  const name = typeof code === 'string' ? code : error instanceof Error ? error.name : typeof error;
  if (typeof code === 'string' && BEFORE_SEND.has(code)) return { status: 'retry', reason: `${what} connection failed before sending: ${code}` };
  return operation !== 'note'
    ? { status: 'retry', reason: `${what} request failed: ${name}` }
    : { status: 'ambiguous', reason: `${what} request failed, may have been created: ${name}` };
}

function isApiException(error: unknown): error is ApiExceptionLike {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'number' && 'body' in error && 'headers' in error;
}

/**
 * HubSpot's own `Retry-After` when it sends one; else by policy: the 10-second rolling window,
 * the per-second limit, or the daily quota, which resets at midnight in the account's time zone
 * (unknown here), so it is probed again hourly and the dispatcher's age limit decides when to stop.
 * https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines
 */
function retryAfterMs(headers: Record<string, string | undefined>, body: Record<string, unknown>): number {
  const header = Number(headers['retry-after']);
  if (headers['retry-after'] !== undefined && Number.isFinite(header) && header >= 0) return header * 1000;
  switch (body.policyName) {
    case 'TEN_SECONDLY_ROLLING':
      return 10_000;
    case 'DAILY':
      return 3_600_000;
    default:
      return 1_000;
  }
}

function safe(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Z][A-Z_]{0,63}$/.test(value) ? value : undefined;
}

function correlation(value: unknown): string | undefined {
  return typeof value === 'string' && /^[\w-]{1,64}$/.test(value) ? `(correlationId ${value})` : undefined;
}
