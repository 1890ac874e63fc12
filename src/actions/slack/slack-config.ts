import * as z from 'zod';
import { credential } from '../../env-ref.js';
import { DURATION, DURATION_MESSAGE } from '../../duration.js';

const Duration = z.string().regex(DURATION, { message: DURATION_MESSAGE });

export const SlackDestination = z
  .object({
    kind: z.literal('slack'),
    token: credential('Slack bot token (xoxb-…)').optional(),
    webhook_url: credential('Slack incoming webhook URL').optional(),
    channel: z.string().min(1).optional().describe('default channel id or name for this destination (bot token only)'),
    // The console links each message as <workspace_url>/archives/<channel id>/p<ts without the dot>,
    // the form chat.getPermalink answers: https://docs.slack.dev/reference/methods/chat.getPermalink
    workspace_url: z.string().regex(/^https:\/\/[A-Za-z0-9.-]+\.slack\.com\/?$/, { message: 'workspace_url is your workspace\'s address, like https://acme.slack.com' }).optional().describe("the workspace's address (https://acme.slack.com): the console then links each message it posted"),
  })
  .strict()
  .superRefine((d, ctx) => {
    if ((d.token === undefined) === (d.webhook_url === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'a slack destination needs exactly one of token or webhook_url' });
    } else if (d.webhook_url !== undefined && d.channel !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['channel'], message: 'a slack webhook posts to the channel it was created for; remove `channel` (or use a bot token)' });
    }
  });
export type SlackDestination = z.infer<typeof SlackDestination>;

export const SlackParams = z
  .object({
    destination: z.string().min(1).describe('name of a slack destination'),
    channel: z.string().min(1).optional().describe("channel id or name; defaults to the destination's channel"),
    text: z.string().min(1).describe('message text (also the notification fallback when blocks are given); a template'),
    blocks: z.array(z.record(z.string(), z.unknown())).max(50).optional().describe('Block Kit blocks; every string is a template. https://docs.slack.dev/reference/block-kit/blocks'),
    thread: z
      .object({
        key: z.string().min(1).describe('messages whose key renders the same (in the same channel) post into the thread of the first one; a template, e.g. "{{ user.id }}"'),
        for: Duration.optional().describe('a thread takes replies this long after its first message, then the next message starts a new one (e.g. 7d); default: for as long as the bridge remembers it'),
      })
      .strict()
      .optional()
      .describe('post into the thread of an earlier message for the same key (chat.postMessage thread_ts); bot token only'),
    update: z
      .object({
        key: z.string().min(1).describe('messages whose key renders the same (in the same channel) within `for` edit the first one instead of posting; a template, e.g. "{{ user.id }}"'),
        for: Duration.describe('how long after the first message repeats edit it (e.g. 7d); the first repeat after that posts a new message'),
      })
      .strict()
      .optional()
      .describe('update in place: repeats within `for` edit the first message (chat.update with its stored ts); bot token only'),
  })
  .strict()
  .refine((p) => p.thread === undefined || p.update === undefined, { message: 'a slack action takes `thread` or `update`, not both', path: ['update'] });
export type SlackParams = z.infer<typeof SlackParams>;
