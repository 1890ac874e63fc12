import { randomUUID } from 'node:crypto';
import type { AuthConfig } from '../receive/auth/auth-config.js';
import { encryptBody } from '../receive/auth/encrypt-body.js';
import { signStandardWebhook } from '../receive/auth/verify-standard-webhook.js';

/**
 * Prepares a delivery the way the bridge's configured authentication expects it: encrypted when
 * encryption is on, then signed over the bytes sent (Standard Webhooks), with the API key header.
 */
export function signRequest(json: string, auth: AuthConfig, nowMs: number, id: string = `msg_${randomUUID()}`): { body: Buffer; headers: Record<string, string> } {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'webhook-id': id };
  let body: Buffer = Buffer.from(json, 'utf8');
  if (auth.encryption) {
    const enc = encryptBody(body, auth.encryption);
    body = enc.body;
    Object.assign(headers, enc.headers, { 'x-encrypted': 'true' });
  }
  if (auth.standardWebhooks) {
    const ts = Math.floor(nowMs / 1000);
    const [secret] = auth.standardWebhooks.secrets;
    if (secret) {
      headers['webhook-timestamp'] = String(ts);
      headers['webhook-signature'] = signStandardWebhook(secret, id, ts, body);
    }
  }
  if (auth.apiKey) headers[auth.apiKey.header] = auth.apiKey.key;
  return { body, headers };
}
