import type { Block, KnownBlock, WebClient } from '@slack/web-api';
import type { Outcome, SendContext, Sender, SenderDeps } from '../action.js';
import type { SlackDestination } from './slack-config.js';
import type { SlackRequest } from './slack-request.js';
import { classifySlackError } from './classify-slack-error.js';

/**
 * The live Slack sender: one `WebClient` per destination, built on the first send so commands that
 * only validate never load the SDK. The bridge owns retries and rate limits, so the client's own
 * retry loop is off and a 429 rejects at once instead of pausing the client's queue
 * (destinations.md 1.5).
 */
export function createSlackSender(_dest: SlackDestination, deps: SenderDeps): Sender<SlackRequest> {
  const token = deps.secrets.token;
  if (token === undefined || token === '') throw new Error('a live slack sender needs the token credential');
  let client: Promise<WebClient> | undefined;

  const web = () =>
    (client ??= import('@slack/web-api').then(
      ({ WebClient, LogLevel }) =>
        new WebClient(token, {
          retryConfig: { retries: 0 },
          rejectRateLimitedCalls: true,
          timeout: deps.timeoutMs,
          logLevel: LogLevel.ERROR,
          ...(deps.apiUrl !== undefined && { slackApiUrl: withSlash(deps.apiUrl) }),
        }),
    ));

  return {
    async send(request: SlackRequest, ctx: SendContext): Promise<Outcome> {
      if (ctx.signal.aborted) return { status: 'retry', reason: 'cancelled before sending' };
      const client = await web();
      try {
        // WebClient takes no per-call signal; `timeout` bounds the call instead.
        const res = await client.chat.postMessage({
          channel: request.channel,
          text: request.text,
          ...(request.blocks !== undefined && { blocks: request.blocks as unknown as (KnownBlock | Block)[] }),
        });
        return {
          status: 'ok',
          ...(res.ts !== undefined && { ref: res.ts }),
          ...(res.channel !== undefined && { detail: { channel: res.channel } }),
        };
      } catch (error) {
        return classifySlackError(error);
      }
    },
  };
}

/** The SDK appends the method name to `slackApiUrl`, so it must end with `/` (e.g. `http://127.0.0.1:4000/api/`). */
function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
