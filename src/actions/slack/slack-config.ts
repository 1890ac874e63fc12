import { z } from 'zod';
import { credential } from '../../env-ref.js';

export const SlackDestination = z
  .object({
    kind: z.literal('slack'),
    token: credential('Slack bot token (xoxb-…)').optional(),
    webhook_url: credential('Slack incoming webhook URL').optional(),
    channel: z.string().min(1).optional().describe('default channel id or name for this destination (bot token only)'),
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
  })
  .strict();
export type SlackParams = z.infer<typeof SlackParams>;
