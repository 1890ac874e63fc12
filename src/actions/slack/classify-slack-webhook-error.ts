import type { Outcome } from '../action.js';
import { classifyRequestError } from './classify-slack-error.js';

/**
 * Maps what `@slack/webhook` 8 throws to an Outcome. Incoming webhooks answer errors as an HTTP
 * status with a plain-text code: 400 `invalid_payload` / `no_text` / `user_not_found`, 403
 * `invalid_token` / `action_prohibited`, 404 `channel_not_found` / `no_service`, 410
 * `channel_is_archived`, 500 `rollup_error`
 * (https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks#handling-errors).
 * Errors are recognised by their documented `code`, so this module does not load the SDK.
 * Reasons carry the status and Slack's code only: never the webhook URL (its path is the secret).
 */
export function classifySlackWebhookError(error: unknown, retryAfterHeader: string | null): Outcome {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; statusCode?: unknown; body?: unknown; original?: unknown };
  if (e.code === 'slack_webhook_http_error') {
    const status = typeof e.statusCode === 'number' ? e.statusCode : 0;
    const body = typeof e.body === 'string' ? e.body.trim() : '';
    const reason = `slack webhook ${status}${/^[a-z0-9_]{1,64}$/.test(body) ? ` ${body}` : ''}`;
    if (status === 429) {
      const seconds = Number(retryAfterHeader);
      return { status: 'retry', reason, ...(retryAfterHeader !== null && Number.isFinite(seconds) && seconds >= 0 && { retryAfterMs: seconds * 1000 }) };
    }
    return status >= 500 || status === 408 ? { status: 'retry', reason } : { status: 'fail', reason };
  }
  if (e.code === 'slack_webhook_request_error') {
    const outcome = classifyRequestError(e.original);
    return outcome.status === 'ok' ? outcome : { ...outcome, reason: outcome.reason.replace(/^slack /, 'slack webhook ') };
  }
  return { status: 'ambiguous', reason: `slack webhook unexpected error: ${error instanceof Error ? error.name : typeof error}` };
}
