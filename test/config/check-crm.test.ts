import { describe, expect, it } from 'vitest';
import { loadRulesText } from '../../src/config/load-rules.js';

/** `bridge check` on crm.contact.* conditions: where the contact is looked up, and what a CRM field may name. */

const SLACK = '  alerts: { kind: slack, token: "${SLACK_BOT_TOKEN}", channel: "#c" }\n';
const HUBSPOT = (name: string) => `  ${name}: { kind: hubspot, access_token: "\${HUBSPOT_ACCESS_TOKEN}" }\n`;

/** A file whose one rule starts on line 3 + the destination lines. */
function file(destinations: string, rule: string): string {
  return `version: 1\ndestinations:\n${destinations}rules:\n  - name: r\n    on: user.visited\n${rule}    actions:\n      - slack: { destination: alerts, text: "hi" }\n`;
}
const when = (field: string) => `    when: { field: ${field}, equals: customer }\n`;

const check = (text: string): { errors: readonly string[]; warnings: readonly string[] } => {
  const r = loadRulesText(text, 'r.yaml', { SLACK_BOT_TOKEN: 'xoxb-test', HUBSPOT_ACCESS_TOKEN: 'pat-test' });
  return r.ok ? { errors: [], warnings: r.rules.warnings } : { errors: r.errors, warnings: [] };
};

describe('bridge check: crm.contact.* fields', () => {
  it.each<[string, string, string[]]>([
    ['the only hubspot destination is the default', file(SLACK + HUBSPOT('crm'), when('crm.contact.lifecyclestage')), []],
    ['crm: names one of several', file(SLACK + HUBSPOT('crm-eu') + HUBSPOT('crm-us'), `    crm: crm-us\n${when('crm.contact.hs_lead_status')}`), []],
    ['no hubspot destination', file(SLACK, when('crm.contact.lifecyclestage')), [
      'r.yaml:7:20 rules[0].when.field: crm.contact.lifecyclestage needs a hubspot destination to look the contact up in, and this file has none',
    ]],
    ['several and no crm:', file(SLACK + HUBSPOT('crm-eu') + HUBSPOT('crm-us'), when('crm.contact.lifecyclestage')), [
      'r.yaml:9:20 rules[0].when.field: crm.contact.lifecyclestage: this file has 2 hubspot destinations (crm-eu, crm-us); say which one the contact is looked up in with crm: <name> on the rule',
    ]],
    ['crm: names no destination', file(SLACK + HUBSPOT('crm'), `    crm: hubspot\n${when('crm.contact.lifecyclestage')}`), [
      'r.yaml:8:10 rules[0].crm: undefined destination "hubspot"',
    ]],
    ['crm: names a slack destination', file(SLACK + HUBSPOT('crm'), `    crm: alerts\n${when('crm.contact.lifecyclestage')}`), [
      'r.yaml:8:10 rules[0].crm: destination "alerts" is a slack destination, not hubspot: crm: names the HubSpot destination contacts are looked up in',
    ]],
    ['a CRM field names a contact property', file(SLACK + HUBSPOT('crm'), when('crm.deal.amount')), [
      `r.yaml:8:20 rules[0].when.field: unknown CRM field "crm.deal.amount"; use crm.contact.<property>, a HubSpot contact property's internal name (e.g. crm.contact.lifecyclestage)`,
    ]],
    ['on_lookup_error is one of skip, match, retry', file(SLACK + HUBSPOT('crm'), `    on_lookup_error: later\n${when('crm.contact.lifecyclestage')}`), [
      `r.yaml:8:22 rules[0].on_lookup_error: expected "skip", "match" or "retry"`,
    ]],
    ['lookup_ttl is a duration', file(SLACK + '  crm: { kind: hubspot, access_token: "${HUBSPOT_ACCESS_TOKEN}", lookup_ttl: soon }\n', when('crm.contact.lifecyclestage')), [
      'r.yaml:4:78 destinations.crm.lookup_ttl: expected a duration: a whole number and a unit ms, s, m, h, d or w (e.g. 30s, 10m, 12h, 7d)',
    ]],
  ])('%s', (_name, text, errors) => {
    expect(check(text).errors).toEqual(errors);
  });

  it('crm: or on_lookup_error on a rule that reads no CRM field is a warning', () => {
    expect(check(file(SLACK + HUBSPOT('crm'), '    crm: crm\n    on_lookup_error: retry\n'))).toEqual({
      errors: [],
      warnings: [
        'r.yaml:8:5 rules[0].crm: crm is set but no condition of this rule reads crm.contact.*',
        'r.yaml:9:5 rules[0].on_lookup_error: on_lookup_error is set but no condition of this rule reads crm.contact.*',
      ],
    });
  });
});
