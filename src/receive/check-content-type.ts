import type { IncomingHttpHeaders } from 'node:http';
import { isEncryptedRequest } from './auth/authenticate.js';
import { HttpError } from './http-error.js';

/**
 * Encrypted deliveries carry encoded ciphertext, which Returning.AI may label as anything
 * (its format is undocumented), so text/plain and octet-stream are let through for them too.
 */
const ENCRYPTED_TYPES = new Set(['application/json', 'text/plain', 'application/octet-stream']);

function mediaType(header: string | undefined): { type: string; charset?: string } | undefined {
  if (!header) return undefined;
  const [type = '', ...params] = header.split(';').map((s) => s.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/^"|"$/g, '');
  return charset === undefined ? { type } : { type, charset };
}

/** Throws 415 unless the body is declared as UTF-8 JSON (RFC 8259 §8.1: JSON is UTF-8). */
export function checkContentType(headers: IncomingHttpHeaders): void {
  const media = mediaType(headers['content-type']);
  const allowed = isEncryptedRequest(headers) ? ENCRYPTED_TYPES.has(media?.type ?? '') : media?.type === 'application/json';
  if (!media || !allowed) {
    throw new HttpError(415, 'unsupported_media_type', 'content-type must be application/json');
  }
  if (media.charset !== undefined && media.charset !== 'utf-8' && media.charset !== 'utf8') {
    throw new HttpError(415, 'unsupported_media_type', 'charset must be utf-8');
  }
}
