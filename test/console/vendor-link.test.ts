import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/store/job-queue.js';
import { vendorLink, type LinkSettings } from '../../src/console/vendor-link.js';

const job = (kind: string, extra: Partial<Job>): Job => ({
  id: 'e1:r:0', planKey: 'e1:r:0', eventId: 'e1', rule: 'r', actionIndex: 0, destination: 'd', kind, request: {},
  status: 'done', attempts: 1, nextAt: 0, createdAt: 0, updatedAt: 0, lastError: null, ref: null, refChannel: null, replayOf: null, ...extra,
});
const SLACK: LinkSettings = { kind: 'slack', workspaceUrl: 'https://acme.slack.com/' };
const DISCORD: LinkSettings = { kind: 'discord', guildId: '222222222222222222' };
const HUBSPOT: LinkSettings = { kind: 'hubspot', portalId: '4242' };

describe('vendorLink: a delivered job’s page at the vendor', () => {
  it.each([
    ['Slack: the channel Slack answered and the ts without its dot', job('slack', { ref: '1700000000.000100', refChannel: 'C0VIPVISITS' }), SLACK, { label: 'Slack message', url: 'https://acme.slack.com/archives/C0VIPVISITS/p1700000000000100' }],
    ['Slack: a channel id in the request serves an older job', job('slack', { ref: '1700000000.000100', request: { channel: 'G0PRIVATE1' } }), SLACK, { label: 'Slack message', url: 'https://acme.slack.com/archives/G0PRIVATE1/p1700000000000100' }],
    ['Slack: a channel name cannot be linked', job('slack', { ref: '1700000000.000100', request: { channel: '#vip' } }), SLACK, { label: 'Slack message', missing: 'the channel id is not known (Slack did not answer with one)' }],
    ['Slack: no workspace_url', job('slack', { ref: '1700000000.000100', refChannel: 'C0VIPVISITS' }), undefined, { label: 'Slack message', missing: 'set workspace_url on the destination for a link' }],
    ['Discord: guild, channel, message', job('discord', { ref: '1234567890123456789', refChannel: '111111111111111111' }), DISCORD, { label: 'Discord message', url: 'https://discord.com/channels/222222222222222222/111111111111111111/1234567890123456789' }],
    ['Discord: a bot message’s channel from the request', job('discord', { ref: '1234567890123456789', request: { channel_id: '333333333333333333' } }), DISCORD, { label: 'Discord message', url: 'https://discord.com/channels/222222222222222222/333333333333333333/1234567890123456789' }],
    ['Discord: the guild is not known', job('discord', { ref: '1234567890123456789', refChannel: '111111111111111111' }), { kind: 'discord' }, { label: 'Discord message', missing: "set guild_id on the destination for a link (Discord's answer does not name the server)" }],
    ['HubSpot: the contact record', job('hubspot', { ref: '5001' }), HUBSPOT, { label: 'HubSpot contact', url: 'https://app.hubspot.com/contacts/4242/record/0-1/5001' }],
    ['HubSpot: no portal_id', job('hubspot', { ref: '5001' }), { kind: 'hubspot' }, { label: 'HubSpot contact', missing: 'set portal_id on the destination for a link' }],
    ['a dry run’s ref is no vendor id', job('slack', { ref: 'dry-run', refChannel: 'C0VIPVISITS' }), SLACK, undefined],
    ['a job not delivered', job('hubspot', { ref: '5001', status: 'dead' }), HUBSPOT, undefined],
    ['a job without a ref (a Slack webhook)', job('slack', {}), SLACK, undefined],
    ['a kind without pages', job('returning-ai', { ref: '77' }), undefined, undefined],
  ])('%s', (_name, j, settings, link) => {
    expect(vendorLink(j, settings)).toEqual(link);
  });
});
