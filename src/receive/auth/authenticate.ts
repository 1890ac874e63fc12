import { HttpError, unauthorized } from '../http-error.js';
import type { AuthConfig } from './auth-config.js';
import { DecryptError, decryptBody } from './decrypt-body.js';
import { headerValue, type Headers } from './headers.js';
import { createReplayCache } from './replay-cache.js';
import { verifyApiKey } from './verify-api-key.js';
import { verifyStandardWebhook } from './verify-standard-webhook.js';

export type AuthOutcome =
  | { readonly ok: true; readonly body: Buffer; readonly replayKey?: string }
  | { readonly ok: false; readonly error: HttpError };

export interface Authenticator {
  /** Runs every configured check on the raw body; on success returns the (decrypted) body. */
  check(raw: Buffer, headers: Headers): AuthOutcome;
  /** Lets a request with this replay key in again (its intake failed, so the sender's retry is genuine). */
  release(replayKey: string): void;
}

/** True when the request says its body is encrypted (Returning.AI's `x-encrypted: true`). */
export const isEncryptedRequest = (headers: Headers): boolean => headerValue(headers, 'x-encrypted')?.trim().toLowerCase() === 'true';

/**
 * Every configured scheme must pass, in order: API key, Standard Webhooks signature (over the raw
 * bytes as received), decryption, then the replay check, which records the request only once it
 * has passed everything else.
 */
export function createAuthenticator(source: AuthConfig | (() => AuthConfig), now: () => number): Authenticator {
  const replay = createReplayCache(now);
  return {
    check(raw, headers) {
      // A function lets a rules reload change authentication for the next request.
      const auth = typeof source === 'function' ? source() : source;
      if (auth.apiKey) {
        const r = verifyApiKey(auth.apiKey, headers);
        if (!r.ok) return { ok: false, error: unauthorized(r.reason) };
      }
      if (auth.standardWebhooks) {
        const r = verifyStandardWebhook(auth.standardWebhooks, raw, headers, now());
        if (!r.ok) return { ok: false, error: unauthorized(r.reason) };
      }
      let body = raw;
      if (isEncryptedRequest(headers)) {
        if (!auth.encryption) {
          return { ok: false, error: new HttpError(415, 'encryption_not_configured', 'encrypted bodies are not accepted: no encryption key is configured') };
        }
        try {
          body = decryptBody(raw, headers, auth.encryption);
        } catch (err) {
          if (!(err instanceof DecryptError)) throw err;
          return { ok: false, error: unauthorized(`body does not decrypt: ${err.message}`) };
        }
      } else if (auth.encryption?.required) {
        return { ok: false, error: unauthorized('body is not encrypted (no x-encrypted: true) and auth.encryption.required is on') };
      }
      if (!auth.standardWebhooks) return { ok: true, body };
      const id = headerValue(headers, 'webhook-id') ?? '';
      const timestamp = headerValue(headers, 'webhook-timestamp') ?? '';
      const replayKey = `${id}.${timestamp}`;
      const expires = (Number(timestamp) + auth.standardWebhooks.toleranceSeconds) * 1000;
      if (!replay.remember(replayKey, expires)) return { ok: false, error: unauthorized(`replayed webhook-id ${JSON.stringify(id)} with the same webhook-timestamp`) };
      return { ok: true, body, replayKey };
    },
    release(replayKey) {
      replay.forget(replayKey);
    },
  };
}
