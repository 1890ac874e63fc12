import type { EncryptionAuth, IvPlacement, TagPlacement } from '../receive/auth/auth-config.js';
import { DecryptError, decryptBody, decryptWithLayout, unwrapBody, type BodyForm, type Layout } from '../receive/auth/decrypt-body.js';
import { headerValue, type Headers } from '../receive/auth/headers.js';

/** What `bridge decrypt` found out about one captured delivery. */
export interface DecryptionReport {
  /** Whether the capture carried `x-encrypted: true`. */
  readonly encryptedHeader: boolean;
  /** How the body was shaped under the configured encoding, when it decoded at all. */
  readonly form?: BodyForm;
  readonly configured: { readonly ok: true; readonly plaintext: Buffer } | { readonly ok: false; readonly reason: string };
  /** Every layout (same key) under which the body decrypts to JSON. */
  readonly working: readonly Layout[];
}

function isJson(bytes: Buffer): boolean {
  try {
    JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return true;
  } catch {
    return false;
  }
}

function candidates(cfg: EncryptionAuth): Layout[] {
  const ivs: IvPlacement[] = [{ at: 'prefix' }, ...(cfg.iv.at === 'header' ? [cfg.iv] : [])];
  const tags: TagPlacement[] = [{ at: 'suffix' }, { at: 'after_iv' }, ...(cfg.tag.at === 'header' ? [cfg.tag] : [])];
  const out: Layout[] = [];
  for (const encoding of ['base64', 'hex'] as const) {
    for (const iv of ivs) {
      for (const gcmIvBytes of [12, 16] as const) {
        for (const tag of tags) out.push({ mode: 'gcm', encoding, iv, tag, gcmIvBytes });
      }
      out.push({ mode: 'cbc', encoding, iv, tag: { at: 'suffix' }, gcmIvBytes: 12 });
    }
  }
  return out;
}

/**
 * Tries a captured body under the configured layout, then under every layout variant with the
 * same key, so an operator can see whether the assumed wire format is right and, if not, which
 * settings would be.
 */
export function describeDecryption(raw: Buffer, headers: Headers, cfg: EncryptionAuth): DecryptionReport {
  const encryptedHeader = headerValue(headers, 'x-encrypted')?.trim().toLowerCase() === 'true';
  let form: BodyForm | undefined;
  try {
    form = unwrapBody(raw, cfg.encoding).form;
  } catch {
    form = undefined;
  }
  let configured: DecryptionReport['configured'];
  try {
    configured = { ok: true, plaintext: decryptBody(raw, headers, cfg) };
  } catch (err) {
    if (!(err instanceof DecryptError)) throw err;
    configured = { ok: false, reason: err.message };
  }
  const working = candidates(cfg).filter((layout) => {
    try {
      return isJson(decryptWithLayout(raw, headers, cfg.key, layout));
    } catch {
      return false;
    }
  });
  return { encryptedHeader, ...(form && { form }), configured, working };
}

/** A layout (or the configured settings, whose mode may be auto) as the rules.yaml settings that select it. */
export function layoutSettings(layout: Omit<Layout, 'mode'> & { readonly mode: Layout['mode'] | 'auto' }): string {
  const place = (p: IvPlacement | TagPlacement) => (p.at === 'header' ? `header:${p.name}` : p.at);
  const gcm = layout.mode === 'cbc' ? '' : `, tag: ${place(layout.tag)}, gcm_iv_bytes: ${layout.gcmIvBytes}`;
  return `mode: ${layout.mode}, encoding: ${layout.encoding}, iv: ${place(layout.iv)}${gcm}`;
}
