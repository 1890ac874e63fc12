import type { ReturningAiDestination, ReturningAiParams } from './returning-ai-config.js';

/**
 * Exactly the JSON body of `POST {base}/apis/v1/messages/send`, in wire field names
 * (https://dev.returning.ai/api-15023884).
 */
export type ReturningAiRequest = {
  channelId: string;
  message: string;
  /** Username or email of the user the message is posted as. */
  sender: string;
  forumTopicId?: string;
};

export function buildReturningAiRequest(dest: ReturningAiDestination, params: ReturningAiParams, render: (template: string) => string): ReturningAiRequest {
  const channelId = params.channel_id ?? dest.channel_id;
  if (channelId === undefined) {
    throw new Error('a returning-ai action needs a channel: set `channel_id` on the action or on its destination');
  }
  const sender = params.sender ?? dest.sender;
  if (sender === undefined) {
    throw new Error('a returning-ai action needs a sender (the username or email it posts as): set `sender` on the action or on its destination');
  }
  const request: ReturningAiRequest = { channelId, message: render(params.message), sender };
  if (params.forum_topic_id !== undefined) request.forumTopicId = params.forum_topic_id;
  return request;
}
