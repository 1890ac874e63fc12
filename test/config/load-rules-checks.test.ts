import { describe, expect, it } from 'vitest';
import { loadRulesText } from '../../src/config/load-rules.js';

const HEAD = `version: 1
destinations:
  alerts: { kind: slack, token: "\${SLACK_BOT_TOKEN}", channel: "#c" }
  community: { kind: discord, webhook_url: "\${DISCORD_WEBHOOK_URL}" }
rules:
`;
const env = { SLACK_BOT_TOKEN: 'xoxb-test' };

/** A file with one rule (starting on line 6) from `on`, an optional `when` and one action. */
function oneRule(on: string, action: string, when?: string): string {
  return `${HEAD}  - name: r\n    on: ${on}\n${when === undefined ? '' : `    when: ${when}\n`}    actions:\n      - ${action}\n`;
}

const errorsOf = (text: string): readonly string[] => {
  const result = loadRulesText(text, 'r.yaml', env);
  return result.ok ? [] : result.errors;
};

const slack = (text: string) => `slack: { destination: alerts, text: "${text}" }`;

describe('loadRulesText: digests', () => {
  const digestRule = (digest: string, text: string, extra = '') =>
    `${HEAD}  - name: d\n    on: user.visited\n    digest: ${digest}\n${extra}    actions:\n      - ${slack(text)}\n`;

  it.each<[string, string]>([
    ['every', digestRule('{ key: "{{ server.id }}", every: 1h }', '{{ digest.count }} visits to {{ server.name }}')],
    ['at with tz, max_items', digestRule('{ key: server.id, at: "09:00", tz: Europe/Berlin, max_items: 1000 }', '{{ digest.key }} {{ digest.window_start }}–{{ digest.window_end }}')],
    ['item fields inside digest.items, digest names beside them', digestRule('{ key: server.id, every: 10m }', '{{#digest.items}}{{ user.name }} ({{ digest.key }}) {{/digest.items}}{{#digest.more}}and {{ digest.more }} more{{/digest.more}}')],
    ['bypass_digest beside a digest', digestRule('{ key: server.id, every: 10m }', '{{ digest.count }}', '    bypass_digest: { field: user.email, ends_with: "@ceo.example" }\n')],
  ])('accepts %s', (_name, text) => {
    expect(errorsOf(text)).toEqual([]);
  });

  it('defaults max_items to 25', () => {
    const result = loadRulesText(digestRule('{ key: server.id, every: 1h }', '{{ digest.count }}'), 'r.yaml', env);
    expect(result.ok && result.rules.file.rules[0]?.digest).toEqual({ key: 'server.id', every: '1h', max_items: 25 });
  });

  it.each<[string, string, string[]]>([
    ['max_items over 1000', digestRule('{ key: server.id, every: 1h, max_items: 1001 }', 'x'), ['r.yaml:8:53 rules[0].digest.max_items: must be at most 1000']],
    ['a fractional max_items', digestRule('{ key: server.id, every: 1h, max_items: 2.5 }', 'x'), ['r.yaml:8:53 rules[0].digest.max_items: expected a whole number, got 2.5']],
    ['an unknown key', digestRule('{ key: server.id, every: 1h, window: 2h }', 'x'), ['r.yaml:8:42 rules[0].digest.window: unknown key "window"']],
    ['bypass_digest reading the CRM', digestRule('{ key: server.id, every: 1h }', 'x', '    bypass_digest: { field: crm.contact.vip, equals: "true" }\n'), [
      'r.yaml:9:29 rules[0].bypass_digest.field: bypass_digest cannot read crm.contact.* (only when can)',
    ]],
  ])('refuses %s', (_name, text, errors) => {
    expect(errorsOf(text)).toEqual(errors);
  });
});

describe('loadRulesText semantic checks', () => {
  it.each<[string, string, string[]]>([
    ['"*" checks fields against every known type', oneRule('"*"', slack('hi'), '{ field: item.name, exists: true }'), [
      'r.yaml:8:20 rules[0].when.field: unknown field "item.name" for user.visited (known: owner.id, owner.name, owner.avatar, owner.email, user.id, user.name, user.email, date, event.name, event.description, server.id, server.name, user.firstName, user.lastName, user.avatar, user.nicename, user.displayname, user.email_domain, owner.email_domain, event.type, event.id)',
    ]],
    ['unknown events are open to any field', oneRule('unknown', slack('{{ item.name }}'), '{ field: item.name, exists: true }'), []],
    ['"event:" needs a name', oneRule('"event:"', slack('hi')), [
      'r.yaml:7:9 rules[0].on: event type "event:" needs an event name, e.g. "event:User Visits Server"',
    ]],
    ['names in a section may be relative to it', oneRule('user.visited', slack('{{#user}}{{ name }} {{ server.name }}{{/user}}')), []],
    ['a relative name must still exist', oneRule('user.visited', slack('{{#user}}{{ nmae }}{{/user}}')), [
      'r.yaml:9:45 rules[0].actions[0].slack.text: template references unknown field "nmae" for user.visited',
    ]],
    ['discord refuses {{& x}}', oneRule('user.joined', 'discord: { destination: community, content: "{{& user.name }}" }'), [
      'r.yaml:9:53 rules[0].actions[0].discord.content: unescaped template tag "{{& user.name }}" is not allowed for discord (event text must be escaped)',
    ]],
    ['partials are refused', oneRule('user.joined', slack('{{> header }}')), [
      'r.yaml:9:45 rules[0].actions[0].slack.text: template partials are not supported ("{{> header }}")',
    ]],
    ['templates are checked inside blocks', oneRule('user.visited', 'slack: { destination: alerts, text: hi, blocks: [{ type: section, text: { type: mrkdwn, text: "{{ usr.name }}" } }] }'), [
      'r.yaml:9:103 rules[0].actions[0].slack.blocks[0].text.text: template references unknown field "usr.name" for user.visited',
    ]],
    ['each unset variable is an error', oneRule('user.joined', slack('${A} and ${B} and ${A}')), [
      'r.yaml:9:45 rules[0].actions[0].slack.text: environment variable "A" is not set',
      'r.yaml:9:45 rules[0].actions[0].slack.text: environment variable "B" is not set',
    ]],
    ['an unset destination credential is only a warning', oneRule('user.joined', 'discord: { destination: community, content: hi }'), []],
    ['a literal list needs no list name', oneRule('user.visited', slack('hi'), '{ field: user.email, in: [a@b.c] }'), []],
    // RE2 runs nested quantifiers in linear time: nothing to refuse.
    ['a nested-quantifier regex is fine', oneRule('user.visited', slack('hi'), '{ field: user.email, matches: "^(a|A)*$", ignore_case: true }'), []],
    ['a look-behind is refused where it is written', oneRule('user.visited', slack('hi'), '{ field: user.email, matches: "(?<=@)acme", ignore_case: true }'), [
      'r.yaml:8:41 rules[0].when.matches: look-behind (?<=…) is not supported: patterns run on a linear-time engine (RE2 syntax) so no event can stall the bridge',
    ]],
  ])('%s', (_name, text, expected) => {
    expect(errorsOf(text)).toEqual(expected);
  });
});

describe('loadRulesText schema and YAML errors', () => {
  it.each<[string, string, string[]]>([
    ['missing version', 'rules: []\n', ['r.yaml:1:1 (root): missing required key "version"']],
    ['a bad name', 'version: 1\nlists:\n  "vip emails": [a]\n', [
      `r.yaml:3:3 lists["vip emails"]: invalid name "vip emails": list names use letters, digits, '_', '.', '-' and start with a letter or digit`,
    ]],
    ['on of the wrong type', oneRule('5', slack('hi')), ['r.yaml:7:9 rules[0].on: expected a string or a list, got 5']],
    ['an empty mapping where one is needed', 'version: 1\ndestinations:\n', ['r.yaml:2:1 destinations: expected a mapping, got an empty value']],
    ['a discord destination without credentials', 'version: 1\ndestinations:\n  d: { kind: discord }\n', [
      'r.yaml:3:6 destinations.d: a discord destination needs exactly one of webhook_url or bot_token',
    ]],
    ['a destination without a kind', 'version: 1\ndestinations:\n  d:\n    token: ${T}\n', [
      'r.yaml:4:5 destinations.d: missing required key "kind" (expected slack, discord, hubspot or returning-ai)',
    ]],
    ['an unresolved tag', 'version: !!foo 1\n', ['r.yaml:1:10 version: unresolved tag: tag:yaml.org,2002:foo']],
    ['two documents', 'version: 1\n---\nversion: 1\n', ['r.yaml:2:1 (root): the file holds more than one YAML document (remove the extra "---")']],
  ])('%s', (_name, text, expected) => {
    expect(errorsOf(text)).toEqual(expected);
  });
});
