import { expect, it } from 'vitest';
import { buildDestinations } from '../../src/bridge/build-destinations.js';
import { loadRulesText, type LoadedRules } from '../../src/config/load-rules.js';
import { readEnv } from '../../src/env.js';
import { silentLogger } from '../../src/log.js';
import { createSecretScrubber } from '../../src/secret-scrubber.js';

const RULES = `version: 1
destinations:
  hook: { kind: discord, webhook_url: "\${DISCORD_WEBHOOK_URL}" }
  alerts: { kind: slack, token: "\${SLACK_BOT_TOKEN}", channel: "#a" }
rules:
  - { name: r, on: user.joined, actions: [{ slack: { destination: alerts, text: hi } }] }
`;
const GOOD_URL = 'https://discord.com/api/webhooks/123456789012345678/Tok-en_1';
const BAD_URL = 'https://discord.com/api/webhooks/12345/secret-token-value';

function loaded(webhookUrl: string): LoadedRules {
  const r = loadRulesText(RULES, 'rules.yaml', { DISCORD_WEBHOOK_URL: GOOD_URL, SLACK_BOT_TOKEN: 'xoxb-1' });
  if (!r.ok) throw new Error(r.errors.join('\n'));
  // A sender that cannot be built although the file loaded (the loader's shape checks are the first line).
  const hook = r.rules.destinations.get('hook');
  if (hook === undefined) throw new Error('no hook');
  return { ...r.rules, destinations: new Map([...r.rules.destinations, ['hook', { ...hook, secrets: { webhook_url: webhookUrl } }]]) };
}

const read = readEnv({});
if (!read.ok) throw new Error(read.errors.join('\n'));
const opts = { settings: read.settings, log: silentLogger(), file: 'rules.yaml', scrub: createSecretScrubber([BAD_URL]).scrub };

it('reports a sender that cannot be built, instead of throwing', () => {
  expect(buildDestinations(loaded(BAD_URL), opts)).toEqual({
    ok: false,
    errors: ['rules.yaml destinations.hook: cannot build the discord sender: the discord webhook_url is not a Discord webhook URL (expected https://discord.com/api/webhooks/<id>/<token>)'],
  });
});

it('stages a reload without touching the senders in use until it is applied', async () => {
  const built = buildDestinations(loaded(GOOD_URL), opts);
  if (!built.ok) throw new Error(built.errors.join('\n'));
  const { destinations } = built;
  const before = destinations.map.get('hook');
  expect(destinations.stage(loaded(BAD_URL))).toMatchObject({ ok: false });
  expect(destinations.map.get('hook')).toBe(before);

  const next = loaded('https://discord.com/api/webhooks/123456789012345678/Other_2');
  const staged = destinations.stage(next);
  if (!staged.ok) throw new Error(staged.errors.join('\n'));
  expect(destinations.map.get('hook')).toBe(before);
  expect(staged.staged.apply()).toEqual([]);
  expect(destinations.map.get('hook')).not.toBe(before);
  expect(destinations.map.get('alerts')).toBeDefined();
  await destinations.close();
});

it('a destination without credentials runs dry in the batches its live sender would take (HubSpot: 100), and is ready at once', async () => {
  const r = loadRulesText(
    `version: 1
destinations:
  crm: { kind: hubspot, access_token: "\${HUBSPOT_ACCESS_TOKEN}" }
  alerts: { kind: slack, token: "\${SLACK_BOT_TOKEN}", channel: "#a" }
rules:
  - { name: r, on: user.joined, actions: [{ slack: { destination: alerts, text: hi } }] }
`,
    'rules.yaml',
    {},
  );
  if (!r.ok) throw new Error(r.errors.join('\n'));
  const built = buildDestinations(r.rules, opts);
  if (!built.ok) throw new Error(built.errors.join('\n'));
  const crm = built.destinations.map.get('crm')?.sender;
  const alerts = built.destinations.map.get('alerts')?.sender;
  expect(built.destinations.summary().map((d) => d.mode)).toEqual(['dry run', 'dry run']);
  expect([crm?.maxBatch, alerts?.maxBatch]).toEqual([100, undefined]);
  expect(await crm?.sendBatch?.([{}, {}, {}] as never)).toEqual([0, 1, 2].map(() => ({ status: 'ok', ref: 'dry-run' })));
  expect(alerts?.sendBatch).toBeUndefined();
  await expect(built.destinations.ready()).resolves.toBeUndefined();
  await built.destinations.close();
});
