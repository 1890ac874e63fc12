import { createHmac, timingSafeEqual } from 'node:crypto';
import type { StandardWebhooksAuth } from './auth-config.js';
import { decodeBase64 } from './encoding.js';
import { headerValue, type CheckResult, type Headers } from './headers.js';
import { parseWebhookSecret } from './resolve-auth.js';

/**
 * Standard Webhooks v1 (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md):
 * `webhook-signature` holds space-separated `v1,<base64 HMAC-SHA256>` entries over
 * `${webhook-id}.${webhook-timestamp}.${raw body}`. The raw bytes are MACed as received, never
 * re-serialised JSON (the spec's most common failure).
 */

/** Bounds the work one request can cause (the header may list several signatures during a rotation). */
const MAX_SIGNATURES = 16;
const MAX_ID_LENGTH = 256;
const TIMESTAMP = /^\d{1,12}$/;

function mac(secret: Buffer, id: string, timestamp: string, body: Buffer): Buffer {
  return createHmac('sha256', secret).update(`${id}.${timestamp}.`, 'utf8').update(body).digest();
}

/** A `v1,<base64>` signature for `body`, as a Standard Webhooks sender would put in `webhook-signature`. */
export function signStandardWebhook(secret: string | Buffer, id: string, timestampSec: number, body: Buffer | string): string {
  const key = typeof secret === 'string' ? parseWebhookSecret(secret) : secret;
  if (!key) throw new Error('webhook secret is not whsec_ base64');
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return `v1,${mac(key, id, String(timestampSec), bytes).toString('base64')}`;
}

/** Verifies the three webhook-* headers against the raw body; any configured secret may match. */
export function verifyStandardWebhook(cfg: StandardWebhooksAuth, body: Buffer, headers: Headers, nowMs: number): CheckResult {
  const id = headerValue(headers, 'webhook-id');
  const timestamp = headerValue(headers, 'webhook-timestamp');
  const signature = headerValue(headers, 'webhook-signature');
  const missing = [!id && 'webhook-id', !timestamp && 'webhook-timestamp', !signature && 'webhook-signature'].filter(Boolean);
  if (!id || !timestamp || !signature) return { ok: false, reason: `missing ${missing.join(', ')} header` };
  if (id.length > MAX_ID_LENGTH) return { ok: false, reason: `webhook-id longer than ${MAX_ID_LENGTH} characters` };
  if (!TIMESTAMP.test(timestamp)) return { ok: false, reason: 'webhook-timestamp is not unix seconds' };

  const skew = Number(timestamp) - Math.floor(nowMs / 1000);
  if (skew < -cfg.toleranceSeconds) return { ok: false, reason: `webhook-timestamp too old (${-skew}s, tolerance ${cfg.toleranceSeconds}s)` };
  if (skew > cfg.toleranceSeconds) return { ok: false, reason: `webhook-timestamp too new (${skew}s ahead, tolerance ${cfg.toleranceSeconds}s)` };

  const given = signature
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .slice(0, MAX_SIGNATURES)
    .map((s) => decodeBase64(s.slice(3)))
    .filter((b): b is Buffer => b !== undefined && b.length === 32);
  if (given.length === 0) return { ok: false, reason: 'webhook-signature has no v1 signature' };

  for (const secret of cfg.secrets) {
    const expected = mac(secret, id, timestamp, body);
    // Every candidate is compared (no early exit) so timing says nothing about which one matched.
    let match = false;
    for (const g of given) match = timingSafeEqual(g, expected) || match;
    if (match) return { ok: true };
  }
  return { ok: false, reason: 'no matching webhook-signature' };
}
