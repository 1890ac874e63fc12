import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { secretValues } from '../../src/bridge/secret-values.js';
import { AuthSchema } from '../../src/config/auth-schema.js';
import { loadRulesText } from '../../src/config/load-rules.js';
import { resolveAuth } from '../../src/receive/auth/resolve-auth.js';
import { createSecretScrubber } from '../../src/secret-scrubber.js';
import { AES_KEY, SECRET } from '../receive/helpers.js';

const RULES = `version: 1
destinations:
  slack: { kind: slack, token: "\${SLACK_BOT_TOKEN}", channel: "#alerts" }
  hook: { kind: discord, webhook_url: "\${DISCORD_WEBHOOK_URL}" }
  crm: { kind: hubspot, access_token: "\${HUBSPOT_ACCESS_TOKEN}" }
rules:
  - { name: r, on: user.joined, actions: [{ slack: { destination: slack, text: hi } }] }
`;
const AUTH = `
api_key: { key: "\${RETURNING_API_KEY}" }
standard_webhooks: { secrets: ["\${WEBHOOK_SECRET}"] }
encryption: { key: "\${RETURNING_ENCRYPTION_KEY}" }
`;
const ENV = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-slacksecret',
  DISCORD_WEBHOOK_URL: 'https://discord.com/api/webhooks/123456789012345678/Hook-Token_0123456789',
  HUBSPOT_ACCESS_TOKEN: 'pat-na1-hubspot-secret',
  RETURNING_API_KEY: 'returning-api-key-1',
  WEBHOOK_SECRET: SECRET,
  RETURNING_ENCRYPTION_KEY: AES_KEY,
};

it('collects every destination credential and auth secret, in the forms an error could quote', () => {
  const loaded = loadRulesText(RULES, 'rules.yaml', ENV);
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  const scrubber = createSecretScrubber(secretValues(loaded.rules, resolveAuth(AuthSchema.parse(parse(AUTH)), ENV)));
  const quoted = [...Object.values(ENV), 'Hook-Token_0123456789', SECRET.replace(/^whsec_/, '')];
  for (const text of quoted) expect(scrubber.scrub(`echo ${text} echo`)).toBe('echo [redacted] echo');
});
