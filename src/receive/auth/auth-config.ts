/**
 * Authentication settings with their secrets resolved from the environment (see resolve-auth.ts).
 * Held only in memory; never logged.
 */

export interface ApiKeyAuth {
  /** Lower-case header name. */
  readonly header: string;
  readonly key: string;
}

export interface StandardWebhooksAuth {
  /** Decoded HMAC keys (the bytes after `whsec_`). */
  readonly secrets: readonly Buffer[];
  readonly toleranceSeconds: number;
}

export type IvPlacement = { readonly at: 'prefix' } | { readonly at: 'header'; readonly name: string };
export type TagPlacement = { readonly at: 'suffix' } | { readonly at: 'after_iv' } | { readonly at: 'header'; readonly name: string };
export type CipherMode = 'gcm' | 'cbc';

export interface EncryptionAuth {
  /** 32 bytes: the 32-character key as UTF-8. */
  readonly key: Buffer;
  readonly mode: CipherMode | 'auto';
  readonly encoding: 'base64' | 'hex';
  readonly iv: IvPlacement;
  readonly tag: TagPlacement;
  readonly gcmIvBytes: 12 | 16;
  readonly required: boolean;
}

export interface AuthConfig {
  readonly apiKey?: ApiKeyAuth;
  readonly standardWebhooks?: StandardWebhooksAuth;
  readonly encryption?: EncryptionAuth;
}
