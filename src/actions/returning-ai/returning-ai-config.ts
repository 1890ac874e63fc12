import * as z from 'zod';
import { credential } from '../../env-ref.js';

/**
 * Ids are literals (never templates): a channel or sender picked by event text could be steered
 * by whoever typed it. https://dev.returning.ai/api-15023884 (Send Message).
 */
const Id = (what: string) => z.string().min(1).max(200).describe(what);

export const ReturningAiDestination = z
  .object({
    kind: z.literal('returning-ai'),
    token: credential('Returning.AI integration API token'),
    channel_id: Id('default channel id (`_id` from GET /apis/v1/channels)').optional(),
    sender: Id('username or email of the Returning.AI user the bridge posts as').optional(),
    // Returning.AI documents no rate limit; one message a second per token is an assumption.
    requests_per_minute: z.number().int().min(1).max(6000).default(60).describe('messages per minute per token (Returning.AI documents no limit; 60 is assumed)'),
  })
  .strict();
export type ReturningAiDestination = z.infer<typeof ReturningAiDestination>;

export const ReturningAiParams = z
  .object({
    destination: z.string().min(1).describe('name of a returning-ai destination'),
    message: z.string().min(1).describe('message text; a template (event values are escaped so they cannot ping or link)'),
    channel_id: Id("channel id; defaults to the destination's channel_id").optional(),
    forum_topic_id: Id('topic id, when the channel is a forum channel').optional(),
    sender: Id("username or email to post as; defaults to the destination's sender").optional(),
  })
  .strict();
export type ReturningAiParams = z.infer<typeof ReturningAiParams>;
