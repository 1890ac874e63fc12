import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AuthSchema } from '../../../src/config/auth-schema.js';
import { RulesFileSchema } from '../../../src/config/rules-schema.js';
import { AuthConfigError, isAuthConfigured, resolveAuth } from '../../../src/receive/auth/resolve-auth.js';
import { AES_KEY, OLD_SECRET, SECRET, key } from '../helpers.js';

const YAML = `
api_key: { header: X-Returning-Key, key: "\${RETURNING_API_KEY}" }
standard_webhooks:
  secrets:
    - \${WEBHOOK_SECRET}
    - \${WEBHOOK_SECRET_OLD}
encryption:
  key: \${RETURNING_ENCRYPTION_KEY}
  iv: header:X-IV
`;
const ENV = { RETURNING_API_KEY: 'the-key', WEBHOOK_SECRET: SECRET, WEBHOOK_SECRET_OLD: OLD_SECRET, RETURNING_ENCRYPTION_KEY: AES_KEY };

function problems(file: unknown, env: Record<string, string>): string[] {
  try {
    resolveAuth(AuthSchema.parse(file), env);
  } catch (err) {
    expect(err).toBeInstanceOf(AuthConfigError);
    return (err as Error).message.split('\n');
  }
  throw new Error('expected an AuthConfigError');
}

describe('AuthSchema', () => {
  it('parses the documented shape and fills the defaults', () => {
    expect(AuthSchema.parse(parse(YAML))).toEqual({
      api_key: { header: 'X-Returning-Key', key: '${RETURNING_API_KEY}' },
      standard_webhooks: { secrets: ['${WEBHOOK_SECRET}', '${WEBHOOK_SECRET_OLD}'], tolerance_seconds: 300 },
      encryption: { key: '${RETURNING_ENCRYPTION_KEY}', mode: 'auto', encoding: 'base64', iv: 'header:X-IV', tag: 'suffix', gcm_iv_bytes: 12, required: true },
    });
  });

  it.each([
    ['a literal secret', { api_key: { key: 'hunter2' } }, 'api_key.key: API key must be an ${ENV_VAR} reference, not a literal (secrets live in the environment)'],
    ['an unknown key', { api_key: { key: '${K}', hedaer: 'x' } }, 'api_key: Unrecognized key: "hedaer"'],
    ['an unknown scheme', { basic: {} }, ': Unrecognized key: "basic"'],
    ['an unknown mode', { encryption: { key: '${K}', mode: 'ecb' } }, 'encryption.mode: Invalid option: expected one of "gcm"|"cbc"|"auto"'],
    ['a bad iv placement', { encryption: { key: '${K}', iv: 'middle' } }, "encryption.iv: expected 'prefix' or 'header:<name>'"],
    ['a tolerance of an hour and a second', { standard_webhooks: { secrets: ['${S}'], tolerance_seconds: 3601 } }, 'standard_webhooks.tolerance_seconds: Too big: expected number to be <=3600'],
    ['no secrets', { standard_webhooks: { secrets: [] } }, 'standard_webhooks.secrets: Too small: expected array to have >=1 items'],
  ])('rejects %s', (_name, input, message) => {
    const r = AuthSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([message]);
  });

  it('is part of the rules.yaml schema', () => {
    const r = RulesFileSchema.safeParse({ version: 1, auth: { api_key: { key: '${K}' } } });
    expect(r.success).toBe(true);
    expect(RulesFileSchema.safeParse({ version: 1, auth: { api_key: { key: 'literal' } } }).success).toBe(false);
  });
});

describe('resolveAuth', () => {
  it('resolves every scheme', () => {
    const auth = resolveAuth(AuthSchema.parse(parse(YAML)), ENV);
    expect(auth.apiKey).toEqual({ header: 'x-returning-key', key: 'the-key' });
    expect(auth.standardWebhooks).toEqual({ secrets: [key(SECRET), key(OLD_SECRET)], toleranceSeconds: 300 });
    expect(auth.encryption).toMatchObject({ key: Buffer.from(AES_KEY), mode: 'auto', iv: { at: 'header', name: 'x-iv' }, tag: { at: 'suffix' }, required: true });
  });

  it('resolves nothing to an empty config', () => {
    expect(resolveAuth(undefined, {})).toEqual({});
  });

  it('accepts a secret without the whsec_ prefix', () => {
    const auth = resolveAuth(AuthSchema.parse({ standard_webhooks: { secrets: ['${S}'] } }), { S: SECRET.slice(6) });
    expect(auth.standardWebhooks?.secrets).toEqual([key(SECRET)]);
  });

  it('reports every problem at once, naming variables but never values', () => {
    const lines = problems(parse(YAML), { WEBHOOK_SECRET: 'whsec_!!notbase64', WEBHOOK_SECRET_OLD: 'whsec_c2hvcnQ=', RETURNING_ENCRYPTION_KEY: 'too-short' });
    expect(lines).toEqual([
      'auth.api_key.key: environment variable RETURNING_API_KEY is not set',
      'auth.standard_webhooks.secrets[0]: WEBHOOK_SECRET is not a whsec_ base64 secret',
      'auth.standard_webhooks.secrets[1]: WEBHOOK_SECRET_OLD decodes to 5 bytes; use at least 16 (24 to 64 recommended)',
      'auth.encryption.key: RETURNING_ENCRYPTION_KEY must be 32 characters (32 bytes as UTF-8); it is 9 bytes',
    ]);
    expect(lines.join('\n')).not.toContain('too-short');
  });

  it('counts a 32-character key with a non-ASCII character as too long', () => {
    expect(problems({ encryption: { key: '${K}' } }, { K: `${'a'.repeat(31)}é` })).toEqual([
      'auth.encryption.key: K must be 32 characters (32 bytes as UTF-8); it is 33 bytes',
    ]);
  });
});

describe('isAuthConfigured', () => {
  const enc = { key: Buffer.alloc(32), mode: 'gcm', encoding: 'base64', iv: { at: 'prefix' }, tag: { at: 'suffix' }, gcmIvBytes: 12, required: true } as const;
  it.each([
    ['nothing', undefined, false],
    ['an empty config', {}, false],
    ['an API key', { apiKey: { header: 'x-api-key', key: 'k' } }, true],
    ['signatures', { standardWebhooks: { secrets: [Buffer.alloc(24)], toleranceSeconds: 300 } }, true],
    ['required GCM encryption', { encryption: enc }, true],
    ['optional GCM encryption', { encryption: { ...enc, required: false } }, false],
    ['CBC encryption (malleable)', { encryption: { ...enc, mode: 'cbc' } }, false],
    ['auto encryption (accepts CBC)', { encryption: { ...enc, mode: 'auto' } }, false],
  ] as const)('%s → %s', (_name, auth, expected) => {
    expect(isAuthConfigured(auth)).toBe(expected);
  });
});
