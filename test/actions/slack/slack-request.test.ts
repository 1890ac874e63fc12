import { describe, expect, it } from 'vitest';
import { slackKind } from '../../../src/actions/slack/slack-kind.js';
import type { SlackDestination, SlackParams } from '../../../src/actions/slack/slack-config.js';
import { renderWith } from '../send-context.js';

const dest: SlackDestination = { kind: 'slack', token: '${SLACK_BOT_TOKEN}', channel: '#vip-alerts' };
const hostile = { name: '<!channel> <https://evil.example|Free Nitro> & co', email: 'x@example.com' };
const render = renderWith(slackKind.escape, hostile);

describe('slackKind.buildRequest', () => {
  it('renders text with event values escaped and uses the destination channel', () => {
    const params: SlackParams = { destination: 'slack', text: 'VIP {{ name }} visited' };
    expect(slackKind.buildRequest(dest, params, render)).toEqual({
      channel: '#vip-alerts',
      text: 'VIP &lt;!channel&gt; &lt;https://evil.example|Free Nitro&gt; &amp; co visited',
    });
  });

  it("prefers the action's channel and never sets link_names", () => {
    const request = slackKind.buildRequest(dest, { destination: 'slack', channel: 'C0123', text: 'hi @{{ name }}' }, render);
    expect(request.channel).toBe('C0123');
    expect(request).not.toHaveProperty('link_names');
  });

  it('renders every string inside blocks, keeping keys, numbers and booleans', () => {
    const params: SlackParams = {
      destination: 'slack',
      text: 'fallback {{ email }}',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'VIP {{ name }}', emoji: true } },
        { type: 'section', fields: [{ type: 'mrkdwn', text: '*Email* {{ email }}' }], block_id: 'b{{ email }}' },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'score' }], extra: { n: 3, none: null } },
      ],
    };
    expect(slackKind.buildRequest(dest, params, render)).toEqual({
      channel: '#vip-alerts',
      text: 'fallback x@example.com',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'VIP &lt;!channel&gt; &lt;https://evil.example|Free Nitro&gt; &amp; co', emoji: true } },
        { type: 'section', fields: [{ type: 'mrkdwn', text: '*Email* x@example.com' }], block_id: 'bx@example.com' },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'score' }], extra: { n: 3, none: null } },
      ],
    });
  });

  it('throws a clear error when neither the action nor the destination names a channel', () => {
    expect(() => slackKind.buildRequest({ kind: 'slack', token: '${T}' }, { destination: 'slack', text: 'x' }, render)).toThrow(
      'a slack action needs a channel: set `channel` on the action or on its destination',
    );
  });
});

describe('slackKind.buildRequest: thread', () => {
  const vars = renderWith(slackKind.escape, { 'user.id': 'u-42', empty: '' });
  it.each<[string, SlackParams['thread'], unknown]>([
    ['renders the key; no `for`: the thread lives on', { key: '{{ user.id }}' }, { key: 'u-42' }],
    ['a `for` becomes ttl_ms', { key: 'visits/{{ user.id }}', for: '7d' }, { key: 'visits/u-42', ttl_ms: 604_800_000 }],
    ['a key that renders empty threads nothing', { key: '{{ empty }}', for: '1h' }, undefined],
  ])('%s', (_name, thread, expected) => {
    const request = slackKind.buildRequest(dest, { destination: 'slack', text: 'hi', ...(thread !== undefined && { thread }) }, vars);
    expect(request.thread).toEqual(expected);
  });

  it('refuses a thread on a webhook destination (a webhook returns no ts)', () => {
    expect(() => slackKind.buildRequest({ kind: 'slack', webhook_url: '${SLACK_WEBHOOK_URL}' }, { destination: 's', text: 'x', thread: { key: '{{ user.id }}' } }, vars)).toThrow(
      'a slack webhook returns no message ts, so it cannot thread; remove `thread` (or use a bot token)',
    );
  });

  it.each<[string, unknown, string]>([
    ['a `for` that is not a duration', { key: 'k', for: 'a week' }, 'expected a duration: a whole number and a unit ms, s, m, h, d or w (e.g. 30s, 10m, 12h, 7d)'],
    ['an unknown field', { key: 'k', root: 'x' }, 'Unrecognized key: "root"'],
    ['an empty key', { key: '' }, 'Too small: expected string to have >=1 characters'],
  ])('the schema refuses %s', (_name, thread, message) => {
    const parsed = slackKind.actionSchema.safeParse({ destination: 'slack', text: 'x', thread });
    expect(parsed.success ? [] : parsed.error.issues.map((i) => i.message)).toEqual([message]);
  });

  it('names the memo of the thread root by channel and key', () => {
    const request = slackKind.buildRequest(dest, { destination: 'slack', text: 'hi', thread: { key: '{{ user.id }}' } }, vars);
    expect(slackKind.memoKeys?.(dest, request, 'e1:r:0')).toEqual(['thread:#vip-alerts:u-42']);
    expect(slackKind.memoKeys?.(dest, { channel: 'C1', text: 'no thread' }, 'e1:r:0')).toEqual([]);
  });
});

describe('slackKind.buildRequest: update in place', () => {
  const vars = renderWith(slackKind.escape, { 'user.id': 'u-42', empty: '' });
  it.each<[string, SlackParams['update'], unknown]>([
    ['renders the key and turns `for` into ttl_ms', { key: '{{ user.id }}', for: '7d' }, { key: 'u-42', ttl_ms: 604_800_000 }],
    ['a key that renders empty updates nothing', { key: '{{ empty }}', for: '1h' }, undefined],
  ])('%s', (_name, update, expected) => {
    const request = slackKind.buildRequest(dest, { destination: 'slack', text: 'hi', ...(update !== undefined && { update }) }, vars);
    expect(request.update).toEqual(expected);
  });

  it('refuses update on a webhook destination (a webhook returns no ts)', () => {
    expect(() =>
      slackKind.buildRequest({ kind: 'slack', webhook_url: '${SLACK_WEBHOOK_URL}' }, { destination: 's', text: 'x', update: { key: '{{ user.id }}', for: '1d' } }, vars),
    ).toThrow('a slack webhook returns no message ts, so it cannot update a message; remove `update` (or use a bot token)');
  });

  it.each<[string, Record<string, unknown>, { path: PropertyKey[]; message: string }[]]>([
    ['both thread and update', { thread: { key: 'k' }, update: { key: 'k', for: '1d' } }, [{ path: ['update'], message: 'a slack action takes `thread` or `update`, not both' }]],
    ['update without `for`', { update: { key: 'k' } }, [{ path: ['update', 'for'], message: 'Invalid input: expected string, received undefined' }]],
  ])('the schema refuses %s', (_name, extra, issues) => {
    const parsed = slackKind.actionSchema.safeParse({ destination: 'slack', text: 'x', ...extra });
    expect(parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path, message: i.message }))).toEqual(issues);
  });

  it('names the memo of the message repeats edit by channel and key', () => {
    const request = slackKind.buildRequest(dest, { destination: 'slack', text: 'hi', update: { key: '{{ user.id }}', for: '7d' } }, vars);
    expect(slackKind.memoKeys?.(dest, request, 'e1:r:0')).toEqual(['update:#vip-alerts:u-42']);
  });
});

describe('slackKind', () => {
  it('limits one message per second per channel', () => {
    expect(slackKind.rateLimit(dest, { channel: 'C9', text: 'x' })).toEqual({ key: 'slack:C9', limit: 1, intervalMs: 1020 });
  });

  it('declares its credentials and does not batch', () => {
    expect(slackKind.credentialFields).toEqual(['token', 'webhook_url']);
    expect(slackKind.credentialSets).toEqual([['token'], ['webhook_url']]);
    expect(slackKind.batchKey).toBeUndefined();
  });

  it('accepts a destination whose token is an env reference and rejects a literal', () => {
    expect(slackKind.destinationSchema.safeParse(dest).success).toBe(true);
    expect(slackKind.destinationSchema.safeParse({ ...dest, token: 'xoxb-literal' }).success).toBe(false);
  });
});
