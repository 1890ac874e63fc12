import type { AuthFile, EncryptionFile } from '../../config/auth-schema.js';
import { formatPath } from '../../config/config-error.js';
import { envRefName } from '../../env-ref.js';
import type { Env } from '../../env.js';
import type { AuthConfig, EncryptionAuth, IvPlacement, TagPlacement } from './auth-config.js';
import { decodeBase64 } from './encoding.js';

export interface AuthProblem {
  /** Path inside rules.yaml, e.g. `['auth', 'standard_webhooks', 'secrets', 1]`. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Every problem found while resolving `auth:` (never contains a secret's value). */
export class AuthConfigError extends Error {
  readonly problems: readonly AuthProblem[];
  constructor(problems: readonly AuthProblem[]) {
    super(problems.map((p) => `${formatPath(p.path)}: ${p.message}`).join('\n'));
    this.name = 'AuthConfigError';
    this.problems = problems;
  }
}

/** Spec: secrets are 24 to 64 random bytes; anything under 16 is too weak to sign with. */
const MIN_SECRET_BYTES = 16;
/** AES-256 needs 32 key bytes; Returning.AI's key is "32 characters" (incoming webhooks docs). */
const AES_KEY_BYTES = 32;

/**
 * Resolves the `auth:` section's `${ENV}` references into keys. Throws AuthConfigError listing every
 * unset or malformed secret at once.
 * @example resolveAuth(rules.auth, process.env) // { standardWebhooks: { secrets: [<Buffer>], toleranceSeconds: 300 } }
 */
export function resolveAuth(file: AuthFile | undefined, env: Env): AuthConfig {
  const problems: AuthProblem[] = [];
  const read = (ref: string, path: (string | number)[]): string | undefined => {
    const name = envRefName(ref);
    const value = name === undefined ? undefined : env[name];
    if (name === undefined) problems.push({ path, message: 'expected an ${ENV_VAR} reference' });
    else if (value === undefined || value === '') problems.push({ path, message: `environment variable ${name} is not set` });
    return value || undefined;
  };
  const out: { -readonly [K in keyof AuthConfig]: AuthConfig[K] } = {};

  if (file?.api_key) {
    const key = read(file.api_key.key, ['auth', 'api_key', 'key']);
    if (key !== undefined) out.apiKey = { header: file.api_key.header.toLowerCase(), key };
  }
  if (file?.standard_webhooks) {
    const secrets: Buffer[] = [];
    file.standard_webhooks.secrets.forEach((ref, i) => {
      const path = ['auth', 'standard_webhooks', 'secrets', i];
      const value = read(ref, path);
      if (value === undefined) return;
      const bytes = parseWebhookSecret(value);
      if (bytes === undefined) problems.push({ path, message: `${envRefName(ref)} is not a whsec_ base64 secret` });
      else if (bytes.length < MIN_SECRET_BYTES) problems.push({ path, message: `${envRefName(ref)} decodes to ${bytes.length} bytes; use at least ${MIN_SECRET_BYTES} (24 to 64 recommended)` });
      else secrets.push(bytes);
    });
    if (secrets.length === file.standard_webhooks.secrets.length) {
      out.standardWebhooks = { secrets, toleranceSeconds: file.standard_webhooks.tolerance_seconds };
    }
  }
  if (file?.encryption) {
    const enc = resolveEncryption(file.encryption, read, problems);
    if (enc) out.encryption = enc;
  }
  if (problems.length > 0) throw new AuthConfigError(problems);
  return out;
}

function resolveEncryption(
  file: EncryptionFile,
  read: (ref: string, path: (string | number)[]) => string | undefined,
  problems: AuthProblem[],
): EncryptionAuth | undefined {
  const path = ['auth', 'encryption', 'key'];
  const value = read(file.key, path);
  if (value === undefined) return undefined;
  const key = Buffer.from(value, 'utf8');
  if (key.length !== AES_KEY_BYTES) {
    problems.push({ path, message: `${envRefName(file.key)} must be ${AES_KEY_BYTES} characters (${AES_KEY_BYTES} bytes as UTF-8); it is ${key.length} bytes` });
    return undefined;
  }
  return {
    key,
    mode: file.mode,
    encoding: file.encoding,
    iv: ivPlacement(file.iv),
    tag: tagPlacement(file.tag),
    gcmIvBytes: file.gcm_iv_bytes,
    required: file.required,
  };
}

const headerOf = (text: string): string | undefined =>
  text.startsWith('header:') ? text.slice('header:'.length).toLowerCase() : undefined;

function ivPlacement(text: string): IvPlacement {
  const name = headerOf(text);
  return name === undefined ? { at: 'prefix' } : { at: 'header', name };
}

function tagPlacement(text: string): TagPlacement {
  const name = headerOf(text);
  if (name !== undefined) return { at: 'header', name };
  return text === 'after_iv' ? { at: 'after_iv' } : { at: 'suffix' };
}

/** The HMAC key of a Standard Webhooks secret: base64 after an optional `whsec_` prefix. */
export function parseWebhookSecret(secret: string): Buffer | undefined {
  const b64 = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  const bytes = decodeBase64(b64);
  return bytes && bytes.length > 0 ? bytes : undefined;
}

/**
 * True when some scheme actually authenticates the sender: an API key, Standard Webhooks
 * signatures, or required AES-GCM (CBC is malleable and auto accepts CBC, so those do not count).
 */
export function isAuthConfigured(auth: AuthConfig | undefined): boolean {
  if (!auth) return false;
  const gcm = auth.encryption !== undefined && auth.encryption.required && auth.encryption.mode === 'gcm';
  return auth.apiKey !== undefined || auth.standardWebhooks !== undefined || gcm;
}
