import { createHash } from 'node:crypto';

/**
 * Discord's `nonce` is at most 25 characters; with `enforce_nonce: true` a repeat within a few
 * minutes returns the first message instead of posting again. The first 25 hex characters of the
 * job's idempotency key's SHA-256 are stable across retries and replays of the same job.
 * https://discord.com/developers/docs/resources/message#create-message-jsonform-params
 */
export function discordNonce(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 25);
}
