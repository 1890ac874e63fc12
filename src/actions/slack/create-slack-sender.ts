import type { Block, KnownBlock, WebClient } from '@slack/web-api';
import type { IncomingWebhook } from '@slack/webhook';
import type { Memo, Outcome, SendContext, Sender, SenderDeps } from '../action.js';
import type { SlackDestination } from './slack-config.js';
import { threadMemoKey, updateMemoKey, type SlackRequest } from './slack-request.js';
import { classifySlackError } from './classify-slack-error.js';
import { classifySlackWebhookError } from './classify-slack-webhook-error.js';
import { slackWebhookUrl } from './slack-webhook-url.js';

/**
 * The live Slack sender: a bot token (`chat.postMessage` through one `WebClient` per destination)
 * or an incoming webhook (`@slack/webhook`). The SDK starts loading when the live sender is built
 * (`serve` only; `check` and `test` build none), so the first alert does not pay for it and leave
 * late, bunched up against the next. The bridge owns retries and rate limits, so the clients' own retry
 * loops are off and a 429 rejects at once instead of pausing the client's queue (destinations.md 1.5, 1.8).
 */
export function createSlackSender(_dest: SlackDestination, deps: SenderDeps): Sender<SlackRequest> {
  const webhookUrl = deps.secrets.webhook_url;
  if (webhookUrl !== undefined && webhookUrl !== '') return webhookSender(slackWebhookUrl(webhookUrl, deps.apiUrl), deps.timeoutMs);
  const token = deps.secrets.token;
  if (token === undefined || token === '') throw new Error('a live slack sender needs the token or webhook_url credential');
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
  // Warm up; a failed import surfaces on the first send, which awaits the same promise.
  const warm = web().then(() => undefined, () => undefined);

  return {
    ready: () => warm,
    async send(request: SlackRequest, ctx: SendContext): Promise<Outcome> {
      if (ctx.signal.aborted) return { status: 'retry', reason: 'cancelled before sending' };
      if (request.channel === undefined) return { status: 'fail', reason: 'slack bot message has no channel' };
      const client = await web();
      const blocks = request.blocks as unknown as (KnownBlock | Block)[] | undefined;
      const edit = request.update === undefined ? undefined : updateMemoKey(request.channel, request.update.key);
      const target = edit === undefined ? undefined : parseTarget(ctx.memos?.[edit]);
      if (target !== undefined) {
        try {
          await client.chat.update({ channel: target.channel, ts: target.ts, text: request.text, ...(blocks !== undefined && { blocks }) });
          return { status: 'ok', ref: target.ts, detail: { channel: target.channel, updated: true } };
        } catch (error) {
          // The message is gone or can no longer be edited: post a new one, which repeats edit from now on.
          if (!GONE.has(platformCode(error) ?? '')) return classifySlackError(error);
        }
      }
      const { thread } = request;
      const memo = thread === undefined ? undefined : threadMemoKey(request.channel, thread.key);
      const threadTs = memo === undefined ? undefined : ctx.memos?.[memo];
      try {
        // WebClient takes no per-call signal; `timeout` bounds the call instead.
        const res = await client.chat.postMessage({
          channel: request.channel,
          text: request.text,
          ...(blocks !== undefined && { blocks }),
          ...(threadTs !== undefined && { thread_ts: threadTs }),
        });
        const memos: Memo[] = [];
        // The first message for this key: later ones reply in its thread.
        if (memo !== undefined && threadTs === undefined && res.ts !== undefined) memos.push({ key: memo, value: res.ts, ...(thread?.ttl_ms !== undefined && { ttlMs: thread.ttl_ms }) });
        // The message repeats edit until `ttl_ms` after it was posted. chat.update needs the channel id, which the answer gives.
        if (edit !== undefined && request.update !== undefined && res.ts !== undefined) memos.push({ key: edit, value: `${res.channel ?? request.channel} ${res.ts}`, ttlMs: request.update.ttl_ms });
        return {
          status: 'ok',
          ...(res.ts !== undefined && { ref: res.ts }),
          ...(res.channel !== undefined && { detail: { channel: res.channel } }),
          ...(memos.length > 0 && { memos }),
        };
      } catch (error) {
        return classifySlackError(error);
      }
    },
  };
}

/**
 * Incoming webhook: `POST <url>` with a JSON body, answered `200 ok` (text). `IncomingWebhook`
 * keeps no Retry-After, so each send gets a client whose `fetch` notes it; the client is a plain
 * object, so one per send costs nothing. No retries (`retries: 0`), `timeoutMs` per call, and the
 * job's signal aborts it too.
 */
function webhookSender(url: string, timeoutMs: number): Sender<SlackRequest> {
  const loaded: Promise<{ IncomingWebhook: typeof IncomingWebhook }> = import('@slack/webhook');
  const warm = loaded.then(() => undefined, () => undefined); // warm-up, as for the bot sender
  return {
    ready: () => warm,
    async send(request: SlackRequest, ctx: SendContext): Promise<Outcome> {
      if (ctx.signal.aborted) return { status: 'retry', reason: 'cancelled before sending' };
      const { IncomingWebhook } = await loaded;
      let retryAfter: string | null = null;
      const hook = new IncomingWebhook(url, {
        timeout: timeoutMs,
        retryConfig: { retries: 0 },
        fetch: async (input, init) => {
          const signal = init?.signal === undefined ? ctx.signal : AbortSignal.any([init.signal, ctx.signal]);
          const response = await fetch(input, { ...init, signal });
          retryAfter = response.headers.get('retry-after');
          return response;
        },
      });
      try {
        await hook.send({ text: request.text, ...(request.blocks !== undefined && { blocks: request.blocks as unknown as (KnownBlock | Block)[] }) });
        // A webhook answers `ok` and no message ts: nothing to record as a ref.
        return { status: 'ok' };
      } catch (error) {
        return classifySlackWebhookError(error, retryAfter);
      }
    },
  };
}

/**
 * chat.update errors that mean the message cannot be edited any more: deleted, not the bridge's to
 * edit, or past the workspace's edit window (https://docs.slack.dev/reference/methods/chat.update).
 */
const GONE = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed']);

function platformCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; data?: { error?: unknown } } | null;
  return e?.code === 'slack_webapi_platform_error' && typeof e.data?.error === 'string' ? e.data.error : undefined;
}

/** `<channel id> <ts>` as the update memo holds it. */
function parseTarget(value: string | undefined): { channel: string; ts: string } | undefined {
  const [channel, ts, extra] = (value ?? '').split(' ');
  return channel === undefined || channel === '' || ts === undefined || ts === '' || extra !== undefined ? undefined : { channel, ts };
}

/** The SDK appends the method name to `slackApiUrl`, so it must end with `/` (e.g. `http://127.0.0.1:4000/api/`). */
function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
