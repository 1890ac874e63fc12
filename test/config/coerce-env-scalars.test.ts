import { describe, expect, it } from 'vitest';
import { loadRulesText } from '../../src/config/load-rules.js';
import type { LoadedRules } from '../../src/config/load-rules.js';

const rulesYaml = `version: 1
destinations:
  crm:
    kind: hubspot
    access_token: \${HUBSPOT_TOKEN}
    requests_per_10s: \${BURST}
rules:
  - name: visit
    on: user.visited
    enabled: \${RULE_ON}
    stop: \${STOP}
    when: { field: user.name, equals: "\${NAME}" }
    actions:
      - hubspot: { destination: crm, upsert_contact: { email: "{{ user.email }}" } }
`;

const base = { HUBSPOT_TOKEN: 'pat-test', BURST: '50', RULE_ON: 'true', STOP: 'false', NAME: '123' };

function load(env: Record<string, string>): LoadedRules {
  const r = loadRulesText(rulesYaml, 'rules.yaml', env);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.rules;
}

describe('${VAR} where a boolean or a number is expected', () => {
  it.each<[string, string, boolean]>([
    ['true', 'true', true],
    ['false', 'false', false],
    ['False', 'False', false],
    ['TRUE', 'TRUE', true],
  ])('enabled: ${RULE_ON} with RULE_ON=%s', (_label, value, enabled) => {
    expect(load({ ...base, RULE_ON: value }).file.rules[0]?.enabled).toBe(enabled);
  });

  it.each<[string, number]>([
    ['50', 50],
    ['190', 190],
    ['+7', 7],
  ])('requests_per_10s: ${BURST} with BURST=%s', (value, expected) => {
    const dest = load({ ...base, BURST: value }).file.destinations.crm;
    expect(dest?.kind === 'hubspot' ? dest.requests_per_10s : undefined).toBe(expected);
  });

  it('leaves a string field a string even when its variable holds digits', () => {
    expect(load(base).file.rules[0]?.when).toEqual({ field: 'user.name', equals: '123' });
  });

  it.each<[Record<string, string>, string[]]>([
    [{ STOP: 'yes' }, ['rules.yaml:11:11 rules[0].stop: environment variable "STOP" must be true or false here']],
    [{ BURST: '5x0', RULE_ON: '1' }, [
      'rules.yaml:6:23 destinations.crm.requests_per_10s: environment variable "BURST" must be a number here',
      'rules.yaml:10:14 rules[0].enabled: environment variable "RULE_ON" must be true or false here',
    ]],
    // Coerced values are then checked like written ones.
    [{ BURST: '5000' }, ['rules.yaml:6:23 destinations.crm.requests_per_10s: must be at most 1000']],
    [{ BURST: '2.5' }, ['rules.yaml:6:23 destinations.crm.requests_per_10s: expected a whole number, got 2.5']],
  ])('refuses %j with the variable named, never its value', (env, errors) => {
    expect(loadRulesText(rulesYaml, 'rules.yaml', { ...base, ...env })).toEqual({ ok: false, errors });
  });

  it('does not coerce a string that is more than one reference', () => {
    const text = rulesYaml.replace('enabled: ${RULE_ON}', 'enabled: "${RULE_ON}x"');
    expect(loadRulesText(text, 'rules.yaml', base)).toEqual({
      ok: false,
      errors: ['rules.yaml:10:14 rules[0].enabled: expected true/false, got a string'],
    });
  });

  it('reports an unset variable once, as unset', () => {
    const { RULE_ON: _unset, ...env } = base;
    expect(loadRulesText(rulesYaml, 'rules.yaml', env)).toEqual({
      ok: false,
      errors: ['rules.yaml:10:14 rules[0].enabled: environment variable "RULE_ON" is not set'],
    });
  });
});
