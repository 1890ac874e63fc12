import { createDecipheriv } from 'node:crypto';
import type { CipherMode, EncryptionAuth, IvPlacement, TagPlacement } from './auth-config.js';
import { decodeText } from './encoding.js';
import { headerValue, type Headers } from './headers.js';

/*
 * Encrypted body wire format. Returning.AI documents AES-256 (CBC or GCM), a 32-character key and
 * the `x-encrypted: true` header, but not the layout, so this is an assumption, configurable under
 * rules.yaml `auth.encryption` and checkable against a captured delivery with `bridge decrypt`.
 *
 * Default (the layout most Node/Java/Go AES helpers produce):
 *
 *   body = base64( iv || ciphertext || tag )
 *          GCM: iv 12 bytes (gcm_iv_bytes: 16 also allowed), tag 16 bytes
 *          CBC: iv 16 bytes, PKCS#7-padded ciphertext, no tag
 *   key  = the 32 characters' UTF-8 bytes, used as the AES-256 key as is (no KDF)
 *
 * Options:
 *   encoding: base64 | hex                   text encoding of the body and of iv/tag headers
 *   iv:  prefix | header:<name>              IV at the start of the bytes, or in a request header
 *   tag: suffix | after_iv | header:<name>   GCM tag at the end, right after the IV, or in a header
 *   mode: gcm | cbc | auto                   auto tries GCM, then CBC
 * Always recognised as well: a JSON wrapper `{ "iv": "..", "data": "..", "tag": ".." }` (data may be
 * called ciphertext / encrypted / payload, tag authTag / auth_tag; a missing iv or tag is taken
 * from data per the options), and a JSON string `"<encoded bytes>"`.
 */

/** One concrete layout to try (what `bridge decrypt` reports as working). */
export interface Layout {
  readonly mode: CipherMode;
  readonly encoding: 'base64' | 'hex';
  readonly iv: IvPlacement;
  readonly tag: TagPlacement;
  readonly gcmIvBytes: 12 | 16;
}

/** Why a body did not decrypt; the message names no key material. */
export class DecryptError extends Error {
  override name = 'DecryptError';
}

export const TAG_BYTES = 16;
export const CBC_IV_BYTES = 16;
const DATA_KEYS = ['data', 'ciphertext', 'encrypted', 'payload'];
const TAG_KEYS = ['tag', 'authTag', 'auth_tag'];

export type BodyForm = 'text' | 'json-wrapper' | 'json-string';

interface Parts {
  readonly form: BodyForm;
  readonly data: Buffer;
  readonly iv?: Buffer;
  readonly tag?: Buffer;
}

function decodeOrThrow(text: string, encoding: 'base64' | 'hex', what: string): Buffer {
  const bytes = decodeText(text, encoding);
  if (!bytes) throw new DecryptError(`${what} is not ${encoding}`);
  return bytes;
}

function stringField(obj: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = Object.hasOwn(obj, k) ? obj[k] : undefined;
    if (typeof v === 'string') return v;
  }
  return undefined;
}

/** Splits the body into its encoded pieces (JSON wrapper, JSON string or bare text). */
export function unwrapBody(raw: Buffer, encoding: 'base64' | 'hex'): Parts {
  const text = raw.toString('utf8').trim();
  if (text.length === 0) throw new DecryptError('body is empty');
  if (text.startsWith('{') || text.startsWith('"')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new DecryptError('body looks like JSON but does not parse');
    }
    if (typeof parsed === 'string') return { form: 'json-string', data: decodeOrThrow(parsed, encoding, 'body') };
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new DecryptError('JSON body is not an object');
    const obj = parsed as Record<string, unknown>;
    const data = stringField(obj, DATA_KEYS);
    if (data === undefined) throw new DecryptError(`JSON body has no string ${DATA_KEYS.join(' / ')} field`);
    const iv = stringField(obj, ['iv']);
    const tag = stringField(obj, TAG_KEYS);
    return {
      form: 'json-wrapper',
      data: decodeOrThrow(data, encoding, 'JSON data field'),
      ...(iv !== undefined && { iv: decodeOrThrow(iv, encoding, 'JSON iv field') }),
      ...(tag !== undefined && { tag: decodeOrThrow(tag, encoding, 'JSON tag field') }),
    };
  }
  return { form: 'text', data: decodeOrThrow(text, encoding, 'body') };
}

function fromHeader(headers: Headers, name: string, encoding: 'base64' | 'hex'): Buffer {
  const v = headerValue(headers, name);
  if (v === undefined) throw new DecryptError(`missing ${name} header`);
  return decodeOrThrow(v, encoding, `${name} header`);
}

/** Decrypts with exactly one layout; throws DecryptError saying what did not fit. */
export function decryptWithLayout(raw: Buffer, headers: Headers, key: Buffer, layout: Layout): Buffer {
  const parts = unwrapBody(raw, layout.encoding);
  const ivBytes = layout.mode === 'gcm' ? layout.gcmIvBytes : CBC_IV_BYTES;
  let rest = parts.data;
  let iv = parts.iv;
  if (!iv && layout.iv.at === 'header') iv = fromHeader(headers, layout.iv.name, layout.encoding);
  if (!iv) {
    if (rest.length < ivBytes) throw new DecryptError(`body is ${rest.length} bytes, too short for a ${ivBytes}-byte IV`);
    iv = rest.subarray(0, ivBytes);
    rest = rest.subarray(ivBytes);
  }
  const ivOk = layout.mode === 'gcm' ? iv.length === 12 || iv.length === 16 : iv.length === CBC_IV_BYTES;
  if (!ivOk) throw new DecryptError(`IV is ${iv.length} bytes, not valid for ${layout.mode.toUpperCase()}`);
  return layout.mode === 'gcm' ? openGcm(key, iv, rest, parts.tag, headers, layout) : openCbc(key, iv, rest);
}

function openGcm(key: Buffer, iv: Buffer, rest: Buffer, given: Buffer | undefined, headers: Headers, layout: Layout): Buffer {
  let tag = given;
  if (!tag && layout.tag.at === 'header') tag = fromHeader(headers, layout.tag.name, layout.encoding);
  if (!tag) {
    if (rest.length < TAG_BYTES) throw new DecryptError(`body is too short for a ${TAG_BYTES}-byte GCM tag`);
    const atEnd = layout.tag.at === 'suffix';
    tag = atEnd ? rest.subarray(rest.length - TAG_BYTES) : rest.subarray(0, TAG_BYTES);
    rest = atEnd ? rest.subarray(0, rest.length - TAG_BYTES) : rest.subarray(TAG_BYTES);
  }
  if (tag.length !== TAG_BYTES) throw new DecryptError(`GCM tag is ${tag.length} bytes, expected ${TAG_BYTES}`);
  try {
    const d = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    d.setAuthTag(tag);
    return Buffer.concat([d.update(rest), d.final()]);
  } catch {
    throw new DecryptError('GCM authentication failed (wrong key, wrong layout or a tampered body)');
  }
}

function openCbc(key: Buffer, iv: Buffer, rest: Buffer): Buffer {
  if (rest.length === 0 || rest.length % 16 !== 0) throw new DecryptError(`CBC ciphertext is ${rest.length} bytes, not a positive multiple of 16`);
  try {
    const d = createDecipheriv('aes-256-cbc', key, iv);
    return Buffer.concat([d.update(rest), d.final()]);
  } catch {
    throw new DecryptError('CBC padding check failed (wrong key or wrong layout)');
  }
}

/** The layouts `cfg` stands for: one, or GCM then CBC for mode auto. */
export function layoutsOf(cfg: EncryptionAuth): Layout[] {
  const modes: CipherMode[] = cfg.mode === 'auto' ? ['gcm', 'cbc'] : [cfg.mode];
  return modes.map((mode) => ({ mode, encoding: cfg.encoding, iv: cfg.iv, tag: cfg.tag, gcmIvBytes: cfg.gcmIvBytes }));
}

/** Decrypts a delivery's raw body under the configured layout; throws DecryptError with every reason. */
export function decryptBody(raw: Buffer, headers: Headers, cfg: EncryptionAuth): Buffer {
  const reasons: string[] = [];
  for (const layout of layoutsOf(cfg)) {
    try {
      return decryptWithLayout(raw, headers, cfg.key, layout);
    } catch (err) {
      if (!(err instanceof DecryptError)) throw err;
      reasons.push(cfg.mode === 'auto' ? `${layout.mode}: ${err.message}` : err.message);
    }
  }
  throw new DecryptError(reasons.join('; '));
}
