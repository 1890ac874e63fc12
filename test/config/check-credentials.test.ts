import { describe, expect, it } from 'vitest';
import { loadRulesText } from '../../src/config/load-rules.js';

/** Issue 9 item 4: credential shapes are checked after `${VAR}` resolution, located at the reference. */
const RULES = `version: 1
destinations:
  alerts: { kind: slack, token: "\${SLACK_BOT_TOKEN}", channel: "#a" }
  hooked: { kind: slack, webhook_url: "\${SLACK_WEBHOOK_URL}" }
  community: { kind: discord, webhook_url: "\${DISCORD_WEBHOOK_URL}" }
  bot: { kind: discord, bot_token: "\${DISCORD_BOT_TOKEN}", channel_id: "111111111111111111" }
  crm: { kind: hubspot, access_token: "\${HUBSPOT_ACCESS_TOKEN}" }
rules:
  - { name: r, on: user.joined, actions: [{ slack: { destination: alerts, text: hi } }] }
`;
const GOOD = {
  SLACK_BOT_TOKEN: 'xoxb-1234-abcd',
  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0AAAA/B0BBBB/XXXXXXXX',
  DISCORD_WEBHOOK_URL: 'https://discord.com/api/webhooks/123456789012345678/Tok-en_1',
  DISCORD_BOT_TOKEN: 'MTIz.abc.def',
  HUBSPOT_ACCESS_TOKEN: 'pat-na1-0000',
};
const errorsWith = (env: Record<string, string>) => {
  const r = loadRulesText(RULES, 'rules.yaml', { ...GOOD, ...env });
  return r.ok ? [] : r.errors;
};

describe('credential shapes', () => {
  it('accepts what each vendor documents', () => {
    expect(errorsWith({})).toEqual([]);
    expect(errorsWith({ SLACK_BOT_TOKEN: 'xoxp-user-token' })).toEqual([]);
  });

  it.each<[string, Record<string, string>, string]>([
    ['an app-level Slack token', { SLACK_BOT_TOKEN: 'xapp-1-A0-secret' }, 'rules.yaml:3:33 destinations.alerts.token: alerts token from ${SLACK_BOT_TOKEN}: is not a Slack bot or user token (expected xoxb-… or xoxp-…)'],
    ['a Slack token with a line break', { SLACK_BOT_TOKEN: 'xoxb-1234\n' }, 'rules.yaml:3:33 destinations.alerts.token: alerts token from ${SLACK_BOT_TOKEN}: contains whitespace or a control character (a copy-paste slip?)'],
    ['a quoted Slack token', { SLACK_BOT_TOKEN: '"xoxb-1234"' }, 'rules.yaml:3:33 destinations.alerts.token: alerts token from ${SLACK_BOT_TOKEN}: is wrapped in quotes: set the variable to the bare value'],
    ['a Slack webhook URL that is not one', { SLACK_WEBHOOK_URL: 'https://example.com/hook' }, 'rules.yaml:4:39 destinations.hooked.webhook_url: hooked webhook_url from ${SLACK_WEBHOOK_URL}: the slack webhook_url is not a Slack incoming webhook URL (expected https://hooks.slack.com/services/T…/B…/…)'],
    // The case: start-up crashed with a stack trace naming neither destination nor variable.
    ['a Discord webhook URL with a short id', { DISCORD_WEBHOOK_URL: 'https://discord.com/api/webhooks/12345/tok' }, 'rules.yaml:5:44 destinations.community.webhook_url: community webhook_url from ${DISCORD_WEBHOOK_URL}: the discord webhook_url is not a Discord webhook URL (expected https://discord.com/api/webhooks/<id>/<token>)'],
    ['a Discord bot token with its scheme', { DISCORD_BOT_TOKEN: 'Bot MTIz.abc.def' }, 'rules.yaml:6:36 destinations.bot.bot_token: bot bot_token from ${DISCORD_BOT_TOKEN}: contains whitespace or a control character (a copy-paste slip?)'],
    ['a Discord bot token glued to its scheme', { DISCORD_BOT_TOKEN: 'BotMTIz' }, ''],
    ['a HubSpot token with its scheme', { HUBSPOT_ACCESS_TOKEN: 'Bearer:pat-na1' }, 'rules.yaml:7:39 destinations.crm.access_token: crm access_token from ${HUBSPOT_ACCESS_TOKEN}: starts with "Bearer": set the variable to the bare token'],
  ])('refuses %s, naming the reference and never the value', (_what, env, expected) => {
    const errors = errorsWith(env);
    expect(errors).toEqual(expected === '' ? [] : [expected]);
    for (const value of Object.values(env)) for (const e of errors) expect(e).not.toContain(value.trim().replace(/^"|"$/g, ''));
  });
});
