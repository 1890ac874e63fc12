import { startFakeServer, type FakeServer, type FakeServerOptions, type RecordedCall, type Reply } from './fake-server.js';

/**
 * A fake Slack Web API speaking what `@slack/web-api` 8 sends: form-encoded bodies (JSON values
 * such as `blocks` are one JSON-encoded field) with `Authorization: Bearer <token>`.
 * Point the client (or SLACK_API_URL) at `apiUrl`. destinations.md 1.2-1.4 and 4.1.
 *
 * Routes: `POST /api/chat.postMessage`, `POST /api/auth.test`; any other method answers
 * `{ ok: false, error: 'unknown_method' }`.
 */

/** One message Slack accepted. */
export interface SlackMessage {
  readonly channel: string;
  readonly text?: string;
  /** `blocks`, JSON-decoded. */
  readonly blocks?: unknown;
  readonly ts: string;
  /** Every form field as sent. */
  readonly params: Readonly<Record<string, string>>;
}

export interface FakeSlackOptions extends FakeServerOptions {
  /** Only this bot token is accepted (others get `invalid_auth`); any `Bearer` token when unset. */
  readonly token?: string;
  /** Only these channels exist (others get `channel_not_found`); any when unset. */
  readonly channels?: readonly string[];
}

export interface FakeSlack extends FakeServer {
  /** `url + '/api/'`: the `slackApiUrl` / SLACK_API_URL value. */
  readonly apiUrl: string;
  /** Messages posted successfully, in order. */
  readonly messages: SlackMessage[];
}

/** Replies for `failNext`. */
export const slackReplies = {
  /** A platform error: HTTP 200 with `ok: false` (the SDK throws WebAPIPlatformError). */
  error: (error: string): Reply => ({ status: 200, body: { ok: false, error } }),
  /** HTTP 429 with `Retry-After` in seconds (keep 0 in tests: the SDK may sleep it). */
  rateLimited: (retryAfterSeconds = 0): Reply => ({ status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, body: { ok: false, error: 'ratelimited' } }),
  /** A bare HTTP status (e.g. 500, 503) with a text body. */
  http: (status: number): Reply => ({ status, headers: { 'content-type': 'text/plain' }, body: `fake slack ${status}` }),
} as const;

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const messages: SlackMessage[] = [];
  let seq = 100;
  const handler = (call: RecordedCall): Reply => {
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
        let blocks: unknown;
        if (params.blocks !== undefined) {
          try {
            blocks = JSON.parse(params.blocks);
          } catch {
            return slackReplies.error('invalid_blocks');
          }
        }
        const ts = `1700000000.${String(seq++).padStart(6, '0')}`;
        messages.push({ channel, ...(params.text !== undefined && { text: params.text }), ...(blocks !== undefined && { blocks }), ts, params });
        return {
          body: { ok: true, channel, ts, message: { type: 'message', subtype: 'bot_message', text: params.text ?? '', ts, bot_id: 'B0FAKE' } },
        };
      }
      default:
        return slackReplies.error('unknown_method');
    }
  };
  const server = await startFakeServer(handler, options);
  return {
    ...server,
    apiUrl: `${server.url}/api/`,
    messages,
    reset() {
      server.reset();
      messages.length = 0;
    },
  };
}
