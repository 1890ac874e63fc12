import { startFakeServer, type FakeServer, type FakeServerOptions, type RecordedCall, type Reply } from './fake-server.js';

/**
 * A fake Slack Web API speaking what `@slack/web-api` 8 sends: form-encoded bodies (JSON values
 * such as `blocks` are one JSON-encoded field) with `Authorization: Bearer <token>`.
 * Point the client (or SLACK_API_URL) at `apiUrl`. destinations.md 1.2-1.4 and 4.1.
 *
 * Routes: `POST /api/chat.postMessage` (with `thread_ts`, a reply in the thread of an earlier
 * top-level message of that channel; any other `thread_ts` answers `thread_not_found`, stricter
 * than Slack documents), `POST /api/chat.update` (edits a message by `channel` + `ts`;
 * `message_not_found` otherwise), `POST /api/auth.test`; any other method answers
 * `{ ok: false, error: 'unknown_method' }`. Incoming webhooks (`@slack/webhook`): `POST
 * /services/T…/B…/…` with a JSON body, answered `200 ok` as text, errors as a status with a
 * plain-text code (`400 invalid_payload`, `400 no_text`, `404 no_service`), no Authorization.
 * https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks
 */

/** One message Slack accepted. */
export interface SlackMessage {
  readonly channel: string;
  readonly text?: string;
  /** `blocks`, JSON-decoded. */
  readonly blocks?: unknown;
  readonly ts: string;
  /** The thread it replies in (its first message's ts), if any. */
  readonly threadTs?: string;
  /** Every form field as sent. */
  readonly params: Readonly<Record<string, string>>;
}

/** One accepted chat.update. */
export interface SlackEdit {
  readonly channel: string;
  readonly ts: string;
  readonly text?: string;
  readonly blocks?: unknown;
}

/** One message an incoming webhook accepted. */
export interface SlackWebhookMessage {
  /** `/services/T…/B…/…` */
  readonly path: string;
  readonly text?: string;
  readonly blocks?: unknown;
  /** The JSON body as sent. */
  readonly body: Readonly<Record<string, unknown>>;
}

export interface FakeSlackOptions extends FakeServerOptions {
  /** Webhook paths that exist (others get `404 no_service`); any `/services/…` path when unset. */
  readonly webhooks?: readonly string[];
  /** Only this bot token is accepted (others get `invalid_auth`); any `Bearer` token when unset. */
  readonly token?: string;
  /** Only these channels exist (others get `channel_not_found`); any when unset. */
  readonly channels?: readonly string[];
  /**
   * Slack's documented chat.postMessage limit held strictly: a message to a channel less than
   * 1,000 ms after the last one it accepted there answers 429 with `Retry-After: 1`
   * (https://docs.slack.dev/reference/methods/chat.postMessage#rate_limiting). Real Slack allows
   * short bursts; this is the worst case.
   */
  readonly strictChannelPace?: boolean;
}

export interface FakeSlack extends FakeServer {
  /** `url + '/api/'`: the `slackApiUrl` / SLACK_API_URL value. */
  readonly apiUrl: string;
  /** Messages posted successfully, in order (an edited one shows its latest text and blocks). */
  readonly messages: SlackMessage[];
  /** chat.update calls accepted, in order. */
  readonly edits: SlackEdit[];
  /** Messages posted through incoming webhooks, in order. */
  readonly webhookMessages: SlackWebhookMessage[];
  /** chat.postMessage calls refused with 429 by `strictChannelPace`. */
  readonly paceRefusals: RecordedCall[];
}

/** Replies for `failNext`. */
export const slackReplies = {
  /** A platform error: HTTP 200 with `ok: false` (the SDK throws WebAPIPlatformError). */
  error: (error: string): Reply => ({ status: 200, body: { ok: false, error } }),
  /** HTTP 429 with `Retry-After` in seconds (keep 0 in tests: the SDK may sleep it). */
  rateLimited: (retryAfterSeconds = 0): Reply => ({ status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, body: { ok: false, error: 'ratelimited' } }),
  /** A bare HTTP status (e.g. 500, 503) with a text body. */
  http: (status: number): Reply => ({ status, headers: { 'content-type': 'text/plain' }, body: `fake slack ${status}` }),
  /** An incoming-webhook error: a status with Slack's plain-text code, e.g. `(404, 'channel_not_found')`. */
  webhookError: (status: number, error: string): Reply => ({ status, headers: { 'content-type': 'text/html' }, body: error }),
  /** An incoming-webhook 429 with `Retry-After` seconds. */
  webhookRateLimited: (retryAfterSeconds = 0): Reply => ({ status: 429, headers: { 'content-type': 'text/html', 'retry-after': String(retryAfterSeconds) }, body: 'rate_limited' }),
} as const;

const INVALID = Symbol('invalid blocks');
/** `blocks` as the SDK sends it (one JSON-encoded form field). */
function parseBlocks(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return INVALID;
  }
}

const WEBHOOK = /^\/services\/[A-Za-z0-9]+\/[A-Za-z0-9]+\/[A-Za-z0-9]+$/;

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const messages: SlackMessage[] = [];
  const edits: SlackEdit[] = [];
  const webhookMessages: SlackWebhookMessage[] = [];
  const paceRefusals: RecordedCall[] = [];
  const lastAccepted = new Map<string, number>();
  let seq = 100;
  const webhook = (call: RecordedCall): Reply => {
    if (call.method !== 'POST' || (options.webhooks !== undefined && !options.webhooks.includes(call.path))) return slackReplies.webhookError(404, 'no_service');
    if (typeof call.json !== 'object' || call.json === null || Array.isArray(call.json)) return slackReplies.webhookError(400, 'invalid_payload');
    const body = call.json as Record<string, unknown>;
    const text = typeof body.text === 'string' ? body.text : undefined;
    if ((text ?? '') === '' && body.blocks === undefined) return slackReplies.webhookError(400, 'no_text');
    webhookMessages.push({ path: call.path, ...(text !== undefined && { text }), ...(body.blocks !== undefined && { blocks: body.blocks }), body });
    return { status: 200, headers: { 'content-type': 'text/html' }, body: 'ok' };
  };
  const handler = (call: RecordedCall): Reply => {
    if (WEBHOOK.test(call.path)) return webhook(call);
    const auth = call.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ')) return slackReplies.error('not_authed');
    if (options.token !== undefined && auth !== `Bearer ${options.token}`) return slackReplies.error('invalid_auth');
    const params = call.form ?? {};
    switch (call.path) {
      case '/api/auth.test':
        return { body: { ok: true, url: 'https://fake.slack.com/', team: 'Fake', user: 'bridge', team_id: 'T0FAKE', user_id: 'U0FAKE', bot_id: 'B0FAKE' } };
      case '/api/chat.postMessage': {
        const channel = params.channel;
        if (channel === undefined || channel === '') return slackReplies.error('channel_not_found');
        if (options.channels !== undefined && !options.channels.includes(channel)) return slackReplies.error('channel_not_found');
        if ((params.text ?? '') === '' && params.blocks === undefined) return slackReplies.error('no_text');
        if (options.strictChannelPace === true) {
          const last = lastAccepted.get(channel);
          if (last !== undefined && call.at - last < 1000) {
            paceRefusals.push(call);
            return slackReplies.rateLimited(1);
          }
          lastAccepted.set(channel, call.at);
        }
        const blocks = parseBlocks(params.blocks);
        if (blocks === INVALID) return slackReplies.error('invalid_blocks');
        const threadTs = params.thread_ts;
        if (threadTs !== undefined && !messages.some((m) => m.channel === channel && m.ts === threadTs && m.threadTs === undefined)) return slackReplies.error('thread_not_found');
        const ts = `1700000000.${String(seq++).padStart(6, '0')}`;
        messages.push({ channel, ...(params.text !== undefined && { text: params.text }), ...(blocks !== undefined && { blocks }), ts, ...(threadTs !== undefined && { threadTs }), params });
        return {
          body: {
            ok: true, channel, ts,
            message: { type: 'message', subtype: 'bot_message', text: params.text ?? '', ts, bot_id: 'B0FAKE', ...(threadTs !== undefined && { thread_ts: threadTs }) },
          },
        };
      }
      case '/api/chat.update': {
        const { channel, ts } = params;
        const index = messages.findIndex((m) => m.channel === channel && m.ts === ts);
        const found = messages[index];
        if (channel === undefined || ts === undefined || found === undefined) return slackReplies.error('message_not_found');
        if ((params.text ?? '') === '' && params.blocks === undefined) return slackReplies.error('no_text');
        const blocks = parseBlocks(params.blocks);
        if (blocks === INVALID) return slackReplies.error('invalid_blocks');
        const edit: SlackEdit = { channel, ts, ...(params.text !== undefined && { text: params.text }), ...(blocks !== undefined && { blocks }) };
        edits.push(edit);
        messages[index] = { ...found, ...(params.text !== undefined && { text: params.text }), ...(blocks !== undefined && { blocks }), params: { ...found.params, ...params } };
        return { body: { ok: true, channel, ts, text: params.text ?? '', message: { type: 'message', text: params.text ?? '', edited: { user: 'U0FAKE', ts } } } };
      }
      default:
        return slackReplies.error('unknown_method');
    }
  };
  // auth.test is who the bridge asks at start-up (and `bridge check --online`): not a delivery.
  const server = await startFakeServer(handler, { ...options, aside: (call) => call.path === '/api/auth.test' });
  return {
    ...server,
    apiUrl: `${server.url}/api/`,
    messages,
    edits,
    webhookMessages,
    paceRefusals,
    reset() {
      server.reset();
      messages.length = 0;
      edits.length = 0;
      webhookMessages.length = 0;
      paceRefusals.length = 0;
      lastAccepted.clear();
    },
  };
}
