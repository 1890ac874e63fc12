import type { Outcome } from '../action.js';

/** The error classes discord.js throws, passed in so this module does not load discord.js. */
export interface DiscordErrorClasses {
  readonly DiscordAPIError: abstract new (...args: never[]) => { status: number; code: number | string; rawError: unknown };
  readonly HTTPError: abstract new (...args: never[]) => { status: number };
  readonly RateLimitError: abstract new (...args: never[]) => { retryAfter: number; global: boolean; scope: string };
}

/** Socket errors raised before the request left (undici `code`s). */
const BEFORE_SEND = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Maps what `@discordjs/rest` (through discord.js) throws to an Outcome. `idempotent` is true for
 * bot messages sent with a nonce: Discord returns the first message for a repeated nonce, so a
 * timeout is safe to retry (so is an edit: `safeBecause` says why); a webhook execution has no
 * nonce, so a timeout is ambiguous.
 * Reasons never include the URL (a webhook URL carries its token) or the request body.
 */
export function classifyDiscordError(error: unknown, classes: DiscordErrorClasses, idempotent: boolean, safeBecause = 'nonce makes a retry safe'): Outcome {
  if (error instanceof classes.RateLimitError) {
    // Thrown for a 429, and also before sending when the bucket is known to be empty.
    return { status: 'retry', reason: `discord rate limited (${error.global ? 'global' : error.scope})`, retryAfterMs: Math.max(0, Math.ceil(error.retryAfter)) };
  }
  if (error instanceof classes.DiscordAPIError) {
    const reason = `discord ${error.status} (code ${String(error.code)}${apiMessage(error.rawError)})`;
    if (error.status === 408 || error.status === 429) return { status: 'retry', reason };
    return { status: 'fail', reason };
  }
  if (error instanceof classes.HTTPError) {
    return { status: 'retry', reason: `discord http ${error.status}` };
  }
  const name = error instanceof Error ? error.name : typeof error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && BEFORE_SEND.has(code)) {
    return { status: 'retry', reason: `discord connection failed before sending: ${code}` };
  }
  const what = name === 'AbortError' || name === 'TimeoutError' ? 'discord request timed out' : `discord request failed: ${typeof code === 'string' ? code : name}`;
  return idempotent ? { status: 'retry', reason: `${what} (${safeBecause})` } : { status: 'ambiguous', reason: `${what}, may have been sent` };
}

/** Discord's own error message (e.g. `Unknown Webhook`): short, and never echoes the request. */
function apiMessage(raw: unknown): string {
  const message = (raw as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message !== '' ? `: ${message.split('\n')[0]?.slice(0, 120) ?? ''}` : '';
}
