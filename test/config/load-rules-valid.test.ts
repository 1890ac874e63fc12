import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRulesFile, loadRulesText, type LoadedRules } from '../../src/config/load-rules.js';

const FULL = fileURLToPath(new URL('../fixtures/rules/valid/full.yaml', import.meta.url));
const MINIMAL = fileURLToPath(new URL('../fixtures/rules/valid/minimal.yaml', import.meta.url));

async function load(path: string, env: Record<string, string | undefined>): Promise<LoadedRules> {
  const result = await loadRulesFile(path, env);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.rules;
}

const ALL_SET = { SLACK_BOT_TOKEN: 'xoxb-1', VIP_CHANNEL: 'C0VIP', DISCORD_WEBHOOK_URL: 'https://discord.com/api/webhooks/123456789012345678/abc', HUBSPOT_ACCESS_TOKEN: 'pat-1', CRM_SOURCE: 'bridge' };

describe('loadRulesFile on valid files', () => {
  it('applies defaults to a file that only has a version', async () => {
    const rules = await load(MINIMAL, {});
    expect(rules.file).toEqual({ version: 1, destinations: {}, lists: {}, rules: [] });
    expect(rules.destinations.size).toBe(0);
    expect(rules.warnings).toEqual([]);
  });

  it('is live everywhere when every credential is set', async () => {
    const rules = await load(FULL, ALL_SET);
    expect([...rules.destinations.values()]).toEqual([
      { name: 'vip-alerts', kind: 'slack', config: { kind: 'slack', token: '${SLACK_BOT_TOKEN}', channel: 'C0VIP' }, secrets: { token: 'xoxb-1' }, live: true, missing: [] },
      {
        name: 'community', kind: 'discord', config: { kind: 'discord', webhook_url: '${DISCORD_WEBHOOK_URL}', username: 'Bridge' },
        secrets: { webhook_url: 'https://discord.com/api/webhooks/123456789012345678/abc' }, live: true, missing: [],
      },
      { name: 'crm', kind: 'hubspot', config: { kind: 'hubspot', access_token: '${HUBSPOT_ACCESS_TOKEN}', requests_per_10s: 100 }, secrets: { access_token: 'pat-1' }, live: true, missing: [] },
    ]);
    expect(rules.warnings).toEqual([`${FULL}:20:3 lists.old_vips: list "old_vips" is defined but never used`]);
  });

  it('runs a destination dry, with a warning, when its credential is unset or empty', async () => {
    const rules = await load(FULL, { ...ALL_SET, DISCORD_WEBHOOK_URL: undefined, HUBSPOT_ACCESS_TOKEN: '' });
    const summary = [...rules.destinations.values()].map((d) => [d.name, d.live, d.missing, d.secrets]);
    expect(summary).toEqual([
      ['vip-alerts', true, [], { token: 'xoxb-1' }],
      ['community', false, ['DISCORD_WEBHOOK_URL'], {}],
      ['crm', false, ['HUBSPOT_ACCESS_TOKEN'], {}],
    ]);
    expect(rules.warnings).toEqual([
      `${FULL}:20:3 lists.old_vips: list "old_vips" is defined but never used`,
      'destination "community": DISCORD_WEBHOOK_URL is not set; it will run dry (log what it would send)',
      'destination "crm": HUBSPOT_ACCESS_TOKEN is not set; it will run dry (log what it would send)',
    ]);
  });

  it('resolves ${VAR} outside credentials, keeps $${VAR} literal and leaves credentials as references', async () => {
    const rules = await load(FULL, ALL_SET);
    const [vip, , sync] = rules.file.rules;
    expect(rules.file.destinations['vip-alerts']).toEqual({ kind: 'slack', token: '${SLACK_BOT_TOKEN}', channel: 'C0VIP' });
    expect(vip?.actions[0]?.slack).toMatchObject({ blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*{{ user.name }}* is here ${NOT_A_VARIABLE}' } }] });
    expect(sync?.actions[0]?.hubspot).toMatchObject({ upsert_contact: { properties: { last_visit: '{{ date }}', source: 'bridge' } } });
    expect(JSON.stringify(rules.file)).not.toContain('xoxb-1');
  });

  it('applies rule defaults and keeps rule order', async () => {
    const rules = await load(FULL, ALL_SET);
    expect(rules.file.rules.map((r) => [r.name, r.stop, r.enabled])).toEqual([
      ['vip-visit', true, true],
      ['welcome', false, true],
      ['sync-visit', false, false],
      ['anything-new', false, true],
    ]);
  });

  it('versions the file by the first 12 hex digits of its sha256', async () => {
    const text = await readFile(FULL, 'utf8');
    const rules = await load(FULL, ALL_SET);
    expect(rules.version).toBe(createHash('sha256').update(text).digest('hex').slice(0, 12));
    expect(rules.version).toMatch(/^[0-9a-f]{12}$/);
    const edited = loadRulesText(`${text}\n# edited\n`, 'x.yaml', ALL_SET);
    expect(edited.ok && edited.rules.version).not.toBe(rules.version);
  });

  it('reports a file it cannot read as one error', async () => {
    expect(await loadRulesFile('does/not/exist.yaml', {})).toEqual({ ok: false, errors: ['does/not/exist.yaml: cannot read file: no such file'] });
  });
});
