import { createCipheriv, randomBytes } from 'node:crypto';
import type { CipherMode, EncryptionAuth } from './auth-config.js';
import { CBC_IV_BYTES, TAG_BYTES } from './decrypt-body.js';

/* The layout is documented in decrypt-body.ts; this is its inverse. */

export interface EncryptOptions {
  /** Default: cfg.mode, or gcm for auto. */
  readonly mode?: CipherMode;
  /** Default: random. */
  readonly iv?: Buffer;
  /** Send the JSON wrapper form `{ iv, data, tag }` instead of the bare layout. */
  readonly wrap?: boolean;
}

/** Encrypts `plaintext` in the configured layout (for tests and `bridge send-sample`), with the headers to send. */
export function encryptBody(plaintext: Buffer | string, cfg: EncryptionAuth, opts: EncryptOptions = {}): { body: Buffer; headers: Record<string, string> } {
  const mode = opts.mode ?? (cfg.mode === 'auto' ? 'gcm' : cfg.mode);
  const iv = opts.iv ?? randomBytes(mode === 'gcm' ? cfg.gcmIvBytes : CBC_IV_BYTES);
  const plain = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  let ct: Buffer;
  let tag: Buffer | undefined;
  if (mode === 'gcm') {
    const cipher = createCipheriv('aes-256-gcm', cfg.key, iv, { authTagLength: TAG_BYTES });
    ct = Buffer.concat([cipher.update(plain), cipher.final()]);
    tag = cipher.getAuthTag();
  } else {
    const cipher = createCipheriv('aes-256-cbc', cfg.key, iv);
    ct = Buffer.concat([cipher.update(plain), cipher.final()]);
  }
  const enc = (b: Buffer) => b.toString(cfg.encoding);
  const headers: Record<string, string> = { 'x-encrypted': 'true' };

  if (opts.wrap) {
    const body = JSON.stringify({ iv: enc(iv), data: enc(ct), ...(tag && { tag: enc(tag) }) });
    return { body: Buffer.from(body), headers: { ...headers, 'content-type': 'application/json' } };
  }
  const pieces: Buffer[] = [];
  if (cfg.iv.at === 'header') headers[cfg.iv.name] = enc(iv);
  else pieces.push(iv);
  if (tag && cfg.tag.at === 'header') headers[cfg.tag.name] = enc(tag);
  if (tag && cfg.tag.at === 'after_iv') pieces.push(tag, ct);
  else pieces.push(ct);
  if (tag && cfg.tag.at === 'suffix') pieces.push(tag);
  return { body: Buffer.from(enc(Buffer.concat(pieces)), 'ascii'), headers: { ...headers, 'content-type': 'text/plain' } };
}
