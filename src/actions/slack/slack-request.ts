import type { JsonObject } from '../../events/event.js';
import type { SlackDestination, SlackParams } from './slack-config.js';
import { renderBlocks } from './render-blocks.js';
import { parseDuration } from '../../duration.js';

/** The memo holding the `ts` of the first message for a thread key in a channel. */
export const threadMemoKey = (channel: string, key: string): string => `thread:${channel}:${key}`;

/** The memo holding `<channel id> <ts>` of the message that repeats for a key in a channel edit. */
export const updateMemoKey = (channel: string, key: string): string => `update:${channel}:${key}`;

/**
 * Exactly what goes to `chat.postMessage` (https://docs.slack.dev/reference/methods/chat.postMessage),
 * or, without `channel`, to an incoming webhook, which posts to the channel it was created for
 * (https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks).
 * `link_names` is never set, so `@name` in event text is not turned into a mention.
 */
export type SlackRequest = {
  /** Bot token destinations only. */
  channel?: string;
  /** Message text; also the notification fallback when `blocks` are given. */
  text: string;
  blocks?: JsonObject[];
  /**
   * The bridge's, not a Slack field: post into the thread of the first message sent for `key` in
   * this channel (its `ts` goes out as `thread_ts`), or become that first message. `ttl_ms`: how
   * long that first message takes replies.
   */
  thread?: { key: string; ttl_ms?: number };
  /**
   * The bridge's, not a Slack field: edit the first message sent for `key` in this channel
   * (`chat.update` on its stored channel id and `ts`) when it is less than `ttl_ms` old, else post
   * and become that first message.
   */
  update?: { key: string; ttl_ms: number };
};

export function buildSlackRequest(dest: SlackDestination, params: SlackParams, render: (template: string) => string): SlackRequest {
  let request: SlackRequest;
  if (dest.webhook_url !== undefined) {
    if (params.channel !== undefined) throw new Error('a slack webhook posts to the channel it was created for; remove `channel` from the action (or use a bot token)');
    request = { text: render(params.text) };
  } else {
    const channel = params.channel ?? dest.channel;
    if (channel === undefined) {
      throw new Error('a slack action needs a channel: set `channel` on the action or on its destination');
    }
    request = { channel, text: render(params.text) };
  }
  if (params.blocks !== undefined) request.blocks = renderBlocks(params.blocks, render);
  if (params.thread !== undefined) {
    if (dest.webhook_url !== undefined) throw new Error('a slack webhook returns no message ts, so it cannot thread; remove `thread` (or use a bot token)');
    // A key that renders empty (the event lacks the field) threads nothing: the message posts on its own.
    const key = render(params.thread.key).trim();
    const ttl = params.thread.for === undefined ? undefined : parseDuration(params.thread.for);
    if (key !== '') request.thread = { key, ...(ttl !== undefined && { ttl_ms: ttl }) };
  }
  if (params.update !== undefined) {
    if (dest.webhook_url !== undefined) throw new Error('a slack webhook returns no message ts, so it cannot update a message; remove `update` (or use a bot token)');
    // As for threads: a key that renders empty updates nothing, the message posts on its own.
    const key = render(params.update.key).trim();
    const ttl = parseDuration(params.update.for);
    if (key !== '' && ttl !== undefined) request.update = { key, ttl_ms: ttl };
  }
  return request;
}
