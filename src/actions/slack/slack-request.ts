import type { JsonObject } from '../../events/event.js';
import type { SlackDestination, SlackParams } from './slack-config.js';
import { renderBlocks } from './render-blocks.js';

/**
 * Exactly what goes to `chat.postMessage` (https://docs.slack.dev/reference/methods/chat.postMessage).
 * `link_names` is never set, so `@name` in event text is not turned into a mention.
 */
export type SlackRequest = {
  channel: string;
  /** Message text; also the notification fallback when `blocks` are given. */
  text: string;
  blocks?: JsonObject[];
};

export function buildSlackRequest(dest: SlackDestination, params: SlackParams, render: (template: string) => string): SlackRequest {
  const channel = params.channel ?? dest.channel;
  if (channel === undefined) {
    throw new Error('a slack action needs a channel: set `channel` on the action or on its destination');
  }
  const request: SlackRequest = { channel, text: render(params.text) };
  if (params.blocks !== undefined) request.blocks = renderBlocks(params.blocks, render);
  return request;
}
