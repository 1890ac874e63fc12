import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadRulesText } from '../../src/config/load-rules.js';

const fixture = (name: string) => readFile(new URL(`../fixtures/rules/invalid/${name}.yaml`, import.meta.url), 'utf8');

// Only the Slack token is set: Discord destinations in these fixtures run dry, which is no error.
const env = { SLACK_BOT_TOKEN: 'xoxb-test' };

const EVENT_TYPES = `user.joined, user.visited, message.posted, message.posted_to_channel, store.purchased, '*', 'unknown' or 'event:<exact event.name>'`;
const VISIT_FIELDS =
  'owner.id, owner.name, owner.avatar, owner.email, user.id, user.name, user.email, date, event.name, event.description, ' +
  'server.id, server.name, user.firstName, user.lastName, user.avatar, user.nicename, user.displayname, ' +
  'user.email_domain, owner.email_domain, event.type, event.id';

/** One fixture per rejection under test/fixtures/rules/invalid/, with every line the loader must print. */
const cases: [string, string[]][] = [
  ['bad-memory', [
    'rules.yaml:12:44 rules[0].when.all[0].since_last.gte: expected a duration: a whole number and a unit ms, s, m, h, d or w (e.g. 30s, 10m, 12h, 7d)',
    'rules.yaml:13:25 rules[0].when.all[1].count.key: invalid key template: Unclosed section "user" at 11',
    'rules.yaml:14:51 rules[0].when.all[2].first_seen.lt: unknown key "lt"',
    'rules.yaml:15:44 rules[0].cooldown.for: expected a string, got 7',
    'rules.yaml:19:17 rules[0].actions[0].slack.text: template references unknown "state.visits_7d"; use one of state.visits_total, state.visits_30d, state.first_seen_at, state.last_seen_at, state.previous_seen_at',
  ]],
  ['bad-time', [
    'rules.yaml:12:23 rules[0].when.all[0].time.tz: unknown time zone "Europe/Berln"',
    'rules.yaml:13:44 rules[0].when.all[1].time.from: expected a time of day "HH:MM", 00:00 to 23:59',
    'rules.yaml:13:56 rules[0].when.all[1].time.to: expected a time of day "HH:MM", 00:00 to 23:59',
    'rules.yaml:14:57 rules[0].when.all[2].time.to: from and to are both "08:00"; a window needs two different times (leave both out for whole days)',
    'rules.yaml:15:57 rules[0].when.all[3].time.weekdays[1]: expected "mon", "tue", "wed", "thu", "fri", "sat" or "sun"',
    'rules.yaml:16:17 rules[0].when.all[4].time: from needs to: a window has both, or neither for whole days',
    'rules.yaml:17:17 rules[0].when.all[5].time: a window needs from and to, weekdays, or both',
    'rules.yaml:18:34 rules[0].when.all[6].within: expected a duration: a whole number and a unit ms, s, m, h, d or w (e.g. 30s, 10m, 12h, 7d)',
    'rules.yaml:19:38 rules[0].when.all[7].older_than: expected a duration: a whole number and a unit ms, s, m, h, d or w (e.g. 30s, 10m, 12h, 7d)',
  ]],
  ['bad-quiet-hours', [
    'rules.yaml:10:24 rules[0].quiet_hours.tz: unknown time zone "Europe/Berln"',
    'rules.yaml:10:57 rules[0].quiet_hours.to: from and to are both "22:00"; a window needs two different times (leave both out for whole days)',
    'rules.yaml:10:72 rules[0].quiet_hours.then: expected "defer" or "drop"',
    'rules.yaml:15:40 rules[1].quiet_hours.weekdays[0]: expected "mon", "tue", "wed", "thu", "fri", "sat" or "sun"',
    'rules.yaml:15:45 rules[1].quiet_hours.until: unknown key "until"',
  ]],
  ['bad-digest', [
    'rules.yaml:10:13 rules[0].digest: a digest has either every (a window length) or at (a daily time), not both',
    'rules.yaml:15:13 rules[1].digest: a digest needs every (e.g. every: 1h) or at with tz (e.g. at: "09:00", tz: Europe/Berlin)',
    'rules.yaml:15:50 rules[1].digest.max_items: must be at least 1',
    'rules.yaml:20:46 rules[2].digest.every: a digest window is at least 1s',
    'rules.yaml:20:57 rules[2].digest.tz: tz goes with at; every windows are aligned to the Unix epoch, in no zone',
    'rules.yaml:22:45 rules[2].actions[0].slack.text: template references unknown "digest.counts"; use one of digest.count, digest.items, digest.more, digest.key, digest.window_start, digest.window_end',
    'rules.yaml:25:13 rules[3].digest: at needs tz, the zone whose clock reads it (e.g. tz: Europe/Berlin)',
    'rules.yaml:25:43 rules[3].digest.at: expected a time of day "HH:MM", 00:00 to 23:59',
    `rules.yaml:26:29 rules[3].bypass_digest.field: unknown field "user.emial" for user.visited (known: ${VISIT_FIELDS})`,
    'rules.yaml:28:45 rules[3].actions[0].slack.text: template references unknown field "user.nmae" for user.visited',
    'rules.yaml:31:5 rules[4].bypass_digest: bypass_digest needs a digest on the same rule',
    'rules.yaml:31:45 rules[4].bypass_digest.in: undefined list "ceo_emails"',
    'rules.yaml:33:45 rules[4].actions[0].slack.text: template references "digest.count" but the rule has no digest',
  ]],
  ['bad-regex', ['rules.yaml:12:16 rules[0].when.matches: invalid regex "(@example\\.com": missing closing )']],
  ['bad-template', ['rules.yaml:16:17 rules[0].actions[0].slack.text: invalid template: unclosed section "user" at 29']],
  ['bad-version', ['rules.yaml:1:10 version: expected version 1']],
  ['discord-bot-no-channel', ['rules.yaml:11:11 rules[0].actions[0].discord: a discord action on a bot destination needs a channel: set `channel_id` on the action or on its destination']],
  ['duplicate-key', ['rules.yaml:7:5 destinations.alerts.channel: duplicate key "channel"']],
  ['duplicate-rule', ['rules.yaml:12:11 rules[1].name: duplicate rule name "visit" (already used by rules[0])']],
  ['empty-file', ['rules.yaml:1:1 (root): the file is empty; expected a mapping that starts with "version: 1"']],
  ['kind-mismatch', ['rules.yaml:14:24 rules[0].actions[0].slack.destination: destination "community" is a discord destination, not slack']],
  ['returning-ai-unescaped', [
    'rules.yaml:12:11 rules[0].actions[0].returning-ai: a returning-ai action needs a sender (the username or email it posts as): set `sender` on the action or on its destination',
    'rules.yaml:13:20 rules[0].actions[0].returning-ai.message: unescaped template tag "{{{ user.name }}}" is not allowed for returning-ai (event text must be escaped)',
  ]],
  ['literal-token', ['rules.yaml:5:12 destinations.alerts.token: Slack bot token (xoxb-…) must be an ${ENV_VAR} reference, not a literal (secrets live in the environment)']],
  ['missing-required-key', ['rules.yaml:15:11 rules[0].actions[0].slack: missing required key "text"']],
  ['multiple-errors', [
    'rules.yaml:6:5 destinations.alerts.chanel: unknown key "chanel"',
    'rules.yaml:8:11 destinations.team.kind: unknown destination kind "teams" (expected slack, discord, hubspot or returning-ai)',
    `rules.yaml:13:24 rules[0].on[1]: unknown event type "user.vistied" (expected one of ${EVENT_TYPES})`,
    'rules.yaml:17:15 rules[0].when.any[0].in: undefined list "vipz"',
    `rules.yaml:18:18 rules[0].when.any[1].field: unknown field "user.emial" for user.visited (known: ${VISIT_FIELDS})`,
    'rules.yaml:19:20 rules[0].when.any[1].matches: back-reference \\1 is not supported: patterns run on a linear-time engine (RE2 syntax) so no event can stall the bridge',
    'rules.yaml:22:24 rules[0].actions[0].slack.destination: undefined destination "alerst"',
    'rules.yaml:23:17 rules[0].actions[0].slack.text: unescaped template tag "{{{ user.nmae }}}" is not allowed for slack (event text must be escaped)',
    'rules.yaml:23:17 rules[0].actions[0].slack.text: template references unknown field "user.nmae" for user.visited',
    'rules.yaml:25:24 rules[0].actions[1].discord.destination: destination "alerts" is a slack destination, not discord',
    'rules.yaml:26:20 rules[0].actions[1].discord.content: environment variable "UNSET_GREETING" is not set',
    'rules.yaml:27:11 rules[1].name: duplicate rule name "vip-visit" (already used by rules[0])',
    'rules.yaml:29:14 rules[1].actions: expected at least 1 item',
  ]],
  ['slack-no-channel', ['rules.yaml:11:11 rules[0].actions[0].slack: a slack action needs a channel: set `channel` on the action or on its destination']],
  ['unsupported-regex', ['rules.yaml:12:16 rules[0].when.matches: negative look-ahead (?!…) is not supported: patterns run on a linear-time engine (RE2 syntax) so no event can stall the bridge']],
  ['template-unknown-field', ['rules.yaml:16:17 rules[0].actions[0].slack.text: template references unknown field "user.nmae" for user.visited']],
  ['triple-stash', ['rules.yaml:16:17 rules[0].actions[0].slack.text: unescaped template tag "{{{ user.name }}}" is not allowed for slack (event text must be escaped)']],
  ['undefined-alias', ['rules.yaml:4:14 lists.also_vips: undefined alias "*vipps" (define the anchor "&vipps" before it)']],
  ['self-alias', [
    'rules.yaml:3:37 lists.vips[1]: alias "*vips" is inside the node its anchor "&vips" names, so that value would contain itself; an alias must point outside its anchor',
    'rules.yaml:9:57 rules[0].when.any[1]: alias "*vip" is inside the node its anchor "&vip" names, so that value would contain itself; an alias must point outside its anchor',
  ]],
  ['undefined-destination', ['rules.yaml:15:24 rules[0].actions[0].slack.destination: undefined destination "alerst"']],
  ['undefined-list', ['rules.yaml:12:11 rules[0].when.in: undefined list "vip_emails"']],
  ['unknown-action-kind', ['rules.yaml:14:9 rules[0].actions[0].teams: unknown action kind "teams" (expected slack, discord, hubspot or returning-ai)']],
  ['unknown-destination-kind', ['rules.yaml:4:11 destinations.alerts.kind: unknown destination kind "teams" (expected slack, discord, hubspot or returning-ai)']],
  ['unknown-event-type', [`rules.yaml:9:23 rules[0].on[1]: unknown event type "user.vistied" (expected one of ${EVENT_TYPES})`]],
  ['unknown-field', [`rules.yaml:11:14 rules[0].when.field: unknown field "user.emial" for user.visited (known: ${VISIT_FIELDS})`]],
  ['unknown-key', ['rules.yaml:6:5 destinations.alerts.chanel: unknown key "chanel"']],
  ['unset-auth-secret', ['rules.yaml:4:10 auth.api_key.key: environment variable "BRIDGE_API_KEY" is not set']],
  ['unset-env-var', ['rules.yaml:6:14 destinations.alerts.channel: environment variable "VIP_CHANNEL" is not set']],
  ['yaml-syntax', ['rules.yaml:8:11 rules[0].name.vip: nested mappings are not allowed in compact mappings']],
];

describe('loadRulesText rejects', () => {
  it.each(cases)('%s', async (name, expected) => {
    const result = loadRulesText(await fixture(name), 'rules.yaml', env);
    expect(result).toEqual({ ok: false, errors: expected });
  });

  it('has a case for every fixture', async () => {
    const files = await readdir(new URL('../fixtures/rules/invalid/', import.meta.url));
    expect(files.map((f) => f.replace(/\.yaml$/, '')).sort()).toEqual(cases.map(([name]) => name).sort());
  });
});
