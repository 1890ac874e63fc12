import * as z from 'zod';
import { credential } from '../env-ref.js';

/**
 * The `auth:` section of rules.yaml: how the webhook route checks that a delivery comes from
 * Returning.AI. Every scheme listed must pass; with none listed the bridge only listens on 127.0.0.1.
 * Secrets are `${ENV_VAR}` references; src/receive/auth/resolve-auth.ts turns them into bytes.
 */

// RFC 9110 token characters: what a header name may contain.
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const headerName = z.string().regex(HEADER_NAME, { message: 'expected an HTTP header name' });

export const ApiKeySchema = z
  .object({
    header: headerName.default('x-api-key').describe('request header that carries the key (Returning.AI documents x-api-key)'),
    key: credential('API key'),
  })
  .strict()
  .describe('a shared key in a request header, compared in constant time');

export const StandardWebhooksSchema = z
  .object({
    secrets: z
      .array(credential('webhook secret (whsec_ + base64)'))
      .min(1)
      .max(8)
      .describe('signing secrets; a delivery signed by any of them passes, so old and new can overlap during a rotation'),
    tolerance_seconds: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .default(300)
      .describe('how far webhook-timestamp may be from our clock, either way (the spec suggests 300)'),
  })
  .strict()
  .describe('Standard Webhooks v1 HMAC-SHA256 signatures: https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md');

const IV_PLACEMENT = /^(prefix|header:[A-Za-z0-9!#$%&'*+.^_`|~-]+)$/;
const TAG_PLACEMENT = /^(suffix|after_iv|header:[A-Za-z0-9!#$%&'*+.^_`|~-]+)$/;

export const EncryptionSchema = z
  .object({
    key: credential('encryption key (32 characters)'),
    mode: z.enum(['gcm', 'cbc', 'auto']).default('auto').describe('AES-256 mode; auto tries GCM, then CBC'),
    encoding: z.enum(['base64', 'hex']).default('base64').describe('how the encrypted bytes are written as text'),
    iv: z
      .string()
      .regex(IV_PLACEMENT, { message: "expected 'prefix' or 'header:<name>'" })
      .default('prefix')
      .describe("where the IV is: 'prefix' (first 12 bytes for GCM, 16 for CBC) or 'header:<name>'"),
    tag: z
      .string()
      .regex(TAG_PLACEMENT, { message: "expected 'suffix', 'after_iv' or 'header:<name>'" })
      .default('suffix')
      .describe("where the 16-byte GCM tag is: 'suffix' (last 16 bytes), 'after_iv', or 'header:<name>'"),
    gcm_iv_bytes: z.union([z.literal(12), z.literal(16)]).default(12).describe('GCM IV length (12 is the standard nonce size)'),
    required: z
      .boolean()
      .default(true)
      .describe('refuse deliveries without x-encrypted: true (turn off only while switching encryption on)'),
  })
  .strict()
  .describe('AES-256 decryption of bodies sent with x-encrypted: true; see README "Security" for the assumed layout');

export const AuthSchema = z
  .object({
    api_key: ApiKeySchema.optional(),
    standard_webhooks: StandardWebhooksSchema.optional(),
    encryption: EncryptionSchema.optional(),
  })
  .strict()
  .describe('how deliveries are authenticated; every scheme listed must pass');

export type AuthFile = z.infer<typeof AuthSchema>;
export type EncryptionFile = z.infer<typeof EncryptionSchema>;
