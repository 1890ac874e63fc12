/**
 * Strict text decoders: Buffer.from(s, 'base64') silently skips characters it does not know,
 * which would turn garbage into "valid" ciphertext or secrets.
 */

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** Standard or URL-safe base64, padding optional, line breaks allowed; undefined when not base64. */
export function decodeBase64(text: string): Buffer | undefined {
  const s = text.replace(/[\r\n\t ]/g, '');
  if (!BASE64.test(s) && !BASE64URL.test(s)) return undefined;
  if (s.replace(/=+$/, '').length % 4 === 1) return undefined;
  return Buffer.from(s, 'base64');
}

/** Hex (either case, even length); undefined when not hex. */
export function decodeHex(text: string): Buffer | undefined {
  const s = text.trim();
  return HEX.test(s) ? Buffer.from(s, 'hex') : undefined;
}

/** Decodes `text` in the given encoding; undefined when it is not that encoding. */
export function decodeText(text: string, encoding: 'base64' | 'hex'): Buffer | undefined {
  return encoding === 'hex' ? decodeHex(text) : decodeBase64(text);
}
