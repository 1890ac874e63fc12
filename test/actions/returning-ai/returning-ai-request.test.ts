import { describe, expect, it } from 'vitest';
import { returningAiKind } from '../../../src/actions/returning-ai/returning-ai-kind.js';
import type { ReturningAiDestination } from '../../../src/actions/returning-ai/returning-ai-config.js';
import { renderWith } from '../send-context.js';

const dest: ReturningAiDestination = { kind: 'returning-ai', token: '${RETURNING_AI_TOKEN}', channel_id: 'C-default', sender: 'bridge-bot', requests_per_minute: 60 };
const render = renderWith(returningAiKind.escape, { name: '<b>Jane</b> @everyone' });

describe('returning-ai buildRequest', () => {
  it("builds the wire body with the destination's channel and sender, event text escaped", () => {
    expect(returningAiKind.buildRequest(dest, { destination: 'c', message: 'Welcome back, {{ name }}!' }, render)).toEqual({
      channelId: 'C-default',
      message: 'Welcome back, ＜b＞Jane＜/b＞ @\u200beveryone!',
      sender: 'bridge-bot',
    });
  });

  it('takes channel, topic and sender from the action over the destination', () => {
    const params = { destination: 'c', message: 'hi', channel_id: 'C-forum', forum_topic_id: 'T-1', sender: 'staff@example.com' };
    expect(returningAiKind.buildRequest(dest, params, render)).toEqual({ channelId: 'C-forum', message: 'hi', sender: 'staff@example.com', forumTopicId: 'T-1' });
  });

  it.each([
    ['channel', { ...dest, channel_id: undefined }, 'a returning-ai action needs a channel: set `channel_id` on the action or on its destination'],
    ['sender', { ...dest, sender: undefined }, 'a returning-ai action needs a sender (the username or email it posts as): set `sender` on the action or on its destination'],
  ])('refuses an action with no %s anywhere', (_, d, message) => {
    expect(() => returningAiKind.buildRequest(d, { destination: 'c', message: 'hi' }, render)).toThrow(message);
  });

  it('rate-limits per token variable, never per token value', () => {
    const request = returningAiKind.buildRequest(dest, { destination: 'c', message: 'hi' }, render);
    expect(returningAiKind.rateLimit(dest, request)).toEqual({ key: 'returning-ai:RETURNING_AI_TOKEN', limit: 60, intervalMs: 60_000 });
  });
});
