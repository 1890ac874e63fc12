import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeyAuth } from './auth-config.js';
import { headerValue, type CheckResult, type Headers } from './headers.js';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Checks the API key header. Both sides are hashed first so timingSafeEqual always compares
 * 32 bytes: neither the key's content nor its length leaks through timing.
 */
export function verifyApiKey(cfg: ApiKeyAuth, headers: Headers): CheckResult {
  const given = headerValue(headers, cfg.header);
  if (given === undefined) return { ok: false, reason: `missing ${cfg.header} header` };
  if (!timingSafeEqual(digest(given), digest(cfg.key))) return { ok: false, reason: `wrong ${cfg.header}` };
  return { ok: true };
}
