import type { JsonObject } from '../../events/event.js';
import type { SlackDestination, SlackParams } from './slack-config.js';
import { renderBlocks } from './render-blocks.js';

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
  return request;
}
