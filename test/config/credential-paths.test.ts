import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { credentialPaths } from '../../src/config/credential-paths.js';
import { RulesFileSchema } from '../../src/config/rules-schema.js';
import { credential, isCredential } from '../../src/env-ref.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

type Def = { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; element?: z.ZodType; valueType?: z.ZodType; options?: readonly z.ZodType[]; getter?: () => z.ZodType; in?: z.ZodType };
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/**
 * The walk credentialPaths replaced, kept as the reference: every node of the data, each string
 * field asked whether it takes exactly one `${VAR}` and nothing else.
 */
function probedCredentialPaths(schema: z.ZodType, data: unknown): string[] {
  const out = new Set<string>();
  const probe = (s: z.ZodType) => s.safeParse('${A_VAR}').success && !s.safeParse('a-literal').success && !s.safeParse('x${A_VAR}').success;
  const walk = (s: z.ZodType, value: unknown, path: (string | number)[]): void => {
    const def = defOf(s);
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    if (def.type === 'string' && typeof value === 'string' && probe(s)) out.add(path.join('.'));
    else if (['optional', 'nullable', 'default', 'prefault', 'nonoptional', 'readonly', 'catch'].includes(def.type) && def.innerType) walk(def.innerType, value, path);
    else if (def.type === 'lazy' && def.getter) walk(def.getter(), value, path);
    else if (def.type === 'pipe' && def.in) walk(def.in, value, path);
    else if (def.type === 'union') for (const o of def.options ?? []) walk(o, value, path);
    else if (def.type === 'object' && isObject) {
      for (const [k, v] of Object.entries(value)) if (Object.hasOwn(def.shape ?? {}, k) && def.shape?.[k]) walk(def.shape[k], v, [...path, k]);
    } else if (def.type === 'record' && isObject && def.valueType) for (const [k, v] of Object.entries(value)) walk(def.valueType, v, [...path, k]);
    else if (def.type === 'array' && Array.isArray(value) && def.element) value.forEach((v, i) => walk(def.element as z.ZodType, v, [...path, i]));
  };
  walk(schema, data, []);
  return [...out].sort();
}

const paths = (data: unknown): string[] => credentialPaths(RulesFileSchema, data).map((p) => p.join('.')).sort();

/** Every destination kind, every auth scheme, and conditions nested in all / any / not. */
const EVERYTHING = {
  version: 1,
  auth: {
    api_key: { header: 'x-api-key', key: '${API_KEY}' },
    standard_webhooks: { secrets: ['${SECRET_NEW}', '${SECRET_OLD}'], tolerance_seconds: 300 },
    encryption: { key: '${ENC_KEY}' },
  },
  destinations: {
    slack: { kind: 'slack', token: '${SLACK_BOT_TOKEN}', channel: '#c' },
    'slack-hook': { kind: 'slack', webhook_url: '${SLACK_WEBHOOK}' },
    discord: { kind: 'discord', webhook_url: '${DISCORD_WEBHOOK_URL}', bot_token: '${DISCORD_BOT_TOKEN}' },
    crm: { kind: 'hubspot', access_token: '${HUBSPOT_ACCESS_TOKEN}' },
    rai: { kind: 'returning-ai', token: '${RAI_TOKEN}', channel_id: '${NOT_A_CREDENTIAL}' },
  },
  lists: { vips: ['${NOT_A_CREDENTIAL}'] },
  rules: [
    {
      name: 'r',
      on: 'user.visited',
      when: { all: [{ field: 'user.email', equals: '${NOT_A_CREDENTIAL}' }, { any: [{ not: { field: 'server.id', in: ['${X}'] } }] }] },
      actions: [{ slack: { destination: 'slack', text: '${NOT_A_CREDENTIAL}' } }],
    },
  ],
};

describe('credentialPaths', () => {
  it('finds the auth secrets and every destination credential, and nothing in lists, conditions or actions', () => {
    expect(paths(EVERYTHING)).toEqual([
      'auth.api_key.key',
      'auth.encryption.key',
      'auth.standard_webhooks.secrets.0',
      'auth.standard_webhooks.secrets.1',
      'destinations.crm.access_token',
      'destinations.discord.bot_token',
      'destinations.discord.webhook_url',
      'destinations.rai.token',
      'destinations.slack-hook.webhook_url',
      'destinations.slack.token',
    ]);
  });

  it('answers as the probe of every string field did, on the bundled rules, the examples and the fixtures', () => {
    const files = [
      join(ROOT, 'rules.yaml'),
      ...readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml')).map((f) => join(ROOT, 'examples', f)),
      ...readdirSync(join(ROOT, 'test/fixtures/rules/valid')).filter((f) => f.endsWith('.yaml')).map((f) => join(ROOT, 'test/fixtures/rules/valid', f)),
    ];
    expect(files.length).toBeGreaterThan(3);
    for (const file of [...files.map((f) => load(readFileSync(f, 'utf8'))), EVERYTHING]) {
      expect(paths(file)).toEqual(probedCredentialPaths(RulesFileSchema, file));
    }
  });

  it('skips values where the schema has no such field, and values of the wrong type', () => {
    expect(paths({ auth: { api_key: { key: 42 }, standard_webhooks: { secrets: '${S}' } }, destinations: { d: { kind: 'slack', tokens: '${T}' } } })).toEqual([]);
    expect(paths('${A}')).toEqual([]);
  });
});

describe('isCredential', () => {
  it('marks the schemas credential() makes, not other strings nor wrappers around a credential', () => {
    const c = credential('a token');
    expect([isCredential(c), isCredential(z.string()), isCredential(z.string().regex(/^\$\{[A-Z]+\}$/)), isCredential(c.optional())]).toEqual([true, false, false, false]);
  });
});
