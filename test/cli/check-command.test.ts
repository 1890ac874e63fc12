import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('bridge check', () => {
  it('accepts the bundled rules.yaml and says which destinations run dry', async () => {
    const r = await runCli(['check', '--rules', 'rules.yaml'], { SLACK_BOT_TOKEN: 'xoxb-1' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^rules\.yaml: ok, version [0-9a-f]{12}, 3 rules, destinations: vip-alerts \(slack, live\), community-joins \(discord, dry run\), crm \(hubspot, dry run\)\n$/);
    expect(r.stderr).toBe(
      'warning: destination "community-joins": DISCORD_WEBHOOK_URL is not set; it will run dry (log what it would send)\n' +
        'warning: destination "crm": HUBSPOT_ACCESS_TOKEN is not set; it will run dry (log what it would send)\n',
    );
  });

  it('accepts the Slack incoming-webhook example, dry without SLACK_WEBHOOK_URL and live with it', async () => {
    const dry = await runCli(['check', '--rules', 'examples/slack-webhook.yaml']);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toBe('warning: destination "vip-alerts": SLACK_WEBHOOK_URL is not set; it will run dry (log what it would send)\n');
    const live = await runCli(['check', '--rules', 'examples/slack-webhook.yaml'], { SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/x' });
    expect(live.stdout).toMatch(/^examples\/slack-webhook\.yaml: ok, version [0-9a-f]{12}, 1 rules?, destinations: vip-alerts \(slack, live\)\n$/);
    expect(live.stdout).not.toContain('hooks.slack.com');
  });

  it('accepts the HubSpot notes example, dry without HUBSPOT_ACCESS_TOKEN and live with it', async () => {
    const dry = await runCli(['check', '--rules', 'examples/hubspot-notes.yaml']);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toBe('warning: destination "crm": HUBSPOT_ACCESS_TOKEN is not set; it will run dry (log what it would send)\n');
    const live = await runCli(['check', '--rules', 'examples/hubspot-notes.yaml'], { HUBSPOT_ACCESS_TOKEN: 'pat-na1-example' });
    expect(live.stdout).toMatch(/^examples\/hubspot-notes\.yaml: ok, version [0-9a-f]{12}, 1 rules?, destinations: crm \(hubspot, live\)\n$/);
  });

  it.each(['slack-threads', 'slack-update'])('accepts the Slack example examples/%s.yaml', async (name) => {
    const r = await runCli(['check', '--rules', `examples/${name}.yaml`], { SLACK_BOT_TOKEN: 'xoxb-1' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^examples/${name}\\.yaml: ok, version [0-9a-f]{12}, 1 rules?, destinations: vip-alerts \\(slack, live\\)\n$`));
  });

  it('accepts the Discord update example', async () => {
    const r = await runCli(['check', '--rules', 'examples/discord-update.yaml'], { DISCORD_WEBHOOK_URL: `https://discord.com/api/webhooks/333333333333333333/${'t'.repeat(68)}` });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^examples\/discord-update\.yaml: ok, version [0-9a-f]{12}, 1 rules?, destinations: community-visits \(discord, live\)\n$/);
  });

  it('exits 1 naming line and column of every error in a broken file', async () => {
    const r = await runCli(['check', '--rules', 'test/fixtures/rules/invalid/multiple-errors.yaml']);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThan(2);
    for (const l of lines.slice(0, -1)) expect(l).toMatch(/^test\/fixtures\/rules\/invalid\/multiple-errors\.yaml:\d+:\d+ \S+: .+/);
    expect(lines.at(-1)).toBe(`test/fixtures/rules/invalid/multiple-errors.yaml: ${lines.length - 1} errors`);
  });

  it('reports a missing file', async () => {
    const r = await runCli(['check', '--rules', 'nope.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/^nope\.yaml: cannot read file: /);
  });
});
