import { startFakeServer, type FakeServer, type FakeServerOptions, type RecordedCall, type Reply } from './fake-server.js';

/**
 * A fake Discord REST API (v10) for discord.js 14: execute webhook and create message, JSON bodies,
 * rate-limit headers on every answer and `Retry-After` on every 429 (without it @discordjs/rest
 * retries in a tight loop). Point `rest.api` (or DISCORD_API_URL) at `apiUrl`.
 * destinations.md 2.1-2.4 and 4.2.
 *
 * Routes: `POST /api/v10/webhooks/:id/:token[?wait=true]` (no Authorization) and
 * `POST /api/v10/channels/:id/messages` (`Authorization: Bot <token>`; a repeated `nonce` with
 * `enforce_nonce: true` returns the first message and posts nothing, as Discord does).
 * Edit message: `PATCH /api/v10/webhooks/:id/:token/messages/:messageId` (a message that webhook
 * posted) and `PATCH /api/v10/channels/:id/messages/:messageId` (bot); the fields sent replace the
 * message's, and a message that is not there (never posted, or `deleteMessage`d) gets
 * `404 {code: 10008, message: "Unknown Message"}`, as Discord answers
 * (https://discord.com/developers/docs/resources/webhook#edit-webhook-message).
 * Bodies over Discord's limits get `400 {code: 50035}`, empty messages `400 {code: 50006}`.
 */

/** One message Discord accepted. */
export interface DiscordMessage {
  readonly id: string;
  readonly via: 'webhook' | 'bot';
  readonly channelId: string;
  readonly webhookId?: string;
  /** The JSON body as sent (content, embeds, allowed_mentions, username, nonce, ...). */
  readonly body: Readonly<Record<string, unknown>>;
}

/** One accepted edit of a message. */
export interface DiscordEdit {
  readonly id: string;
  readonly via: 'webhook' | 'bot';
  readonly channelId: string;
  /** The JSON body as sent (content, embeds, allowed_mentions). */
  readonly body: Readonly<Record<string, unknown>>;
}

export interface FakeDiscordOptions extends FakeServerOptions {
  /** Known webhooks; others get 404 Unknown Webhook (10015). Any when unset. */
  readonly webhooks?: readonly { id: string; token: string }[];
  /** The only accepted bot token; others get 401. Any `Bot` token when unset. */
  readonly botToken?: string;
  /** Enforce `limit` requests per `windowMs` per webhook or channel (429 with Retry-After beyond). */
  readonly rateLimit?: { readonly limit: number; readonly windowMs: number };
}

export interface FakeDiscord extends FakeServer {
  /** `url + '/api'`: the `rest.api` / DISCORD_API_URL value. */
  readonly apiUrl: string;
  /** Messages posted, in order (nonce repeats are not posted twice), as posted. */
  readonly messages: DiscordMessage[];
  /** Edits accepted, in order. */
  readonly edits: DiscordEdit[];
  /** What a message says now (its post's body with its edits applied); undefined once deleted. */
  current(id: string): Readonly<Record<string, unknown>> | undefined;
  /** Deletes a message, as a moderator would: editing it then answers 404 Unknown Message. */
  deleteMessage(id: string): void;
}

/** Replies for `failNext`. */
export const discordReplies = {
  /** 429 with `Retry-After` seconds (0 keeps tests fast) and Discord's body. */
  rateLimited: (retryAfterSeconds = 0, global = false): Reply => ({
    status: 429,
    headers: {
      'retry-after': String(retryAfterSeconds),
      'x-ratelimit-scope': global ? 'global' : 'user',
      ...(global && { 'x-ratelimit-global': 'true' }),
    },
    body: { message: 'You are being rate limited.', retry_after: retryAfterSeconds, global },
  }),
  /** A Discord API error, e.g. `(404, 10015, 'Unknown Webhook')`, `(400, 50035, 'Invalid Form Body')`. */
  error: (status: number, code: number, message: string): Reply => ({ status, body: { message, code } }),
  /** A bare 5xx (e.g. 502 from Cloudflare). */
  http: (status: number): Reply => ({ status, headers: { 'content-type': 'text/plain' }, body: `fake discord ${status}` }),
} as const;

const WEBHOOK = /^\/api\/v\d+\/webhooks\/(\d+)\/([^/]+)\/?$/;
const CHANNEL_MESSAGES = /^\/api\/v\d+\/channels\/(\d+)\/messages\/?$/;
const WEBHOOK_MESSAGE = /^\/api\/v\d+\/webhooks\/(\d+)\/([^/]+)\/messages\/(\d+)\/?$/;
const CHANNEL_MESSAGE = /^\/api\/v\d+\/channels\/(\d+)\/messages\/(\d+)\/?$/;
const FAKE_CHANNEL = '111111111111111111';

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const now = options.now ?? Date.now;
  const messages: DiscordMessage[] = [];
  const edits: DiscordEdit[] = [];
  /** Live messages by id: what each says now. */
  const live = new Map<string, DiscordMessage>();
  const byNonce = new Map<string, DiscordMessage>();
  const windows = new Map<string, { start: number; count: number }>();
  let nextId = 1234567890123456789n;

  /** Counts the request in its bucket; returns its rate-limit headers, or the 429 to send. */
  const limit = (bucket: string): { headers: Record<string, string>; reject?: Reply } => {
    const rl = options.rateLimit;
    if (rl === undefined) {
      return { headers: { 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '4', 'x-ratelimit-reset-after': '1', 'x-ratelimit-bucket': `fake-${bucket}` } };
    }
    const t = now();
    let w = windows.get(bucket);
    if (w === undefined || t - w.start >= rl.windowMs) windows.set(bucket, (w = { start: t, count: 0 }));
    const resetAfter = ((w.start + rl.windowMs - t) / 1000).toFixed(3);
    if (w.count >= rl.limit) {
      const reply = discordReplies.rateLimited(Number(resetAfter));
      return { headers: {}, reject: { ...reply, headers: { ...reply.headers, 'x-ratelimit-limit': String(rl.limit), 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': resetAfter, 'x-ratelimit-bucket': `fake-${bucket}` } } };
    }
    w.count += 1;
    return {
      headers: { 'x-ratelimit-limit': String(rl.limit), 'x-ratelimit-remaining': String(rl.limit - w.count), 'x-ratelimit-reset-after': resetAfter, 'x-ratelimit-bucket': `fake-${bucket}` },
    };
  };

  const post = (via: 'webhook' | 'bot', channelId: string, webhookId: string | undefined, body: Record<string, unknown>, headers: Record<string, string>): Reply => {
    const invalid = checkLimits(body);
    if (invalid !== undefined) return { ...invalid, headers };
    const nonceKey = via === 'bot' && body.enforce_nonce === true && body.nonce !== undefined ? `${channelId}:${String(body.nonce)}` : undefined;
    const earlier = nonceKey === undefined ? undefined : byNonce.get(nonceKey);
    const message = earlier ?? { id: String(nextId++), via, channelId, ...(webhookId !== undefined && { webhookId }), body };
    if (earlier === undefined) {
      messages.push(message);
      live.set(message.id, message);
      if (nonceKey !== undefined) byNonce.set(nonceKey, message);
    }
    return { status: 200, headers, body: toApiMessage(message, new Date(now()).toISOString()) };
  };

  /** Edit message: the fields sent replace the message's; Unknown Message unless `via` posted it there. */
  const edit = (via: 'webhook' | 'bot', id: string, owns: (m: DiscordMessage) => boolean, body: Record<string, unknown>, headers: Record<string, string>): Reply => {
    const found = live.get(id);
    if (found === undefined || found.via !== via || !owns(found)) return { ...discordReplies.error(404, 10008, 'Unknown Message'), headers };
    const next = { ...found, body: { ...found.body, ...body } };
    const invalid = checkLimits(next.body);
    if (invalid !== undefined) return { ...invalid, headers };
    live.set(id, next);
    edits.push({ id, via, channelId: found.channelId, body });
    return { status: 200, headers, body: { ...toApiMessage(next, new Date(now()).toISOString()), edited_timestamp: new Date(now()).toISOString() } };
  };

  const handler = (call: RecordedCall): Reply => {
    const body = (typeof call.json === 'object' && call.json !== null ? call.json : {}) as Record<string, unknown>;
    const hookMessage = WEBHOOK_MESSAGE.exec(call.path);
    if (call.method === 'PATCH' && hookMessage?.[1] !== undefined && hookMessage[2] !== undefined && hookMessage[3] !== undefined) {
      const [, hookId, token, id] = hookMessage;
      if (options.webhooks !== undefined && !options.webhooks.some((w) => w.id === hookId && w.token === token)) return discordReplies.error(404, 10015, 'Unknown Webhook');
      const { headers, reject } = limit(`webhook-${hookId}`);
      if (reject !== undefined) return reject;
      return edit('webhook', id, (m) => m.webhookId === hookId, body, headers);
    }
    const channelMessage = CHANNEL_MESSAGE.exec(call.path);
    if (call.method === 'PATCH' && channelMessage?.[1] !== undefined && channelMessage[2] !== undefined) {
      const auth = call.headers.authorization ?? '';
      if (!auth.startsWith('Bot ') || (options.botToken !== undefined && auth !== `Bot ${options.botToken}`)) return discordReplies.error(401, 0, '401: Unauthorized');
      const [, channelId, id] = channelMessage;
      const { headers, reject } = limit(`channel-${channelId}`);
      if (reject !== undefined) return reject;
      return edit('bot', id, (m) => m.channelId === channelId, body, headers);
    }
    const hook = WEBHOOK.exec(call.path);
    if (call.method === 'POST' && hook?.[1] !== undefined && hook[2] !== undefined) {
      const [, id, token] = hook;
      if (options.webhooks !== undefined && !options.webhooks.some((w) => w.id === id && w.token === token)) {
        return discordReplies.error(404, 10015, 'Unknown Webhook');
      }
      const { headers, reject } = limit(`webhook-${id}`);
      if (reject !== undefined) return reject;
      const reply = post('webhook', FAKE_CHANNEL, id, body, headers);
      // Without ?wait=true Discord answers 204 and no message.
      return call.query.get('wait') === 'true' || reply.status !== 200 ? reply : { status: 204, headers };
    }
    // Get Webhook with Token and Get Current User: what `bridge check --online` asks.
    if (call.method === 'GET' && hook?.[1] !== undefined && hook[2] !== undefined) {
      const [, id, token] = hook;
      if (options.webhooks !== undefined && !options.webhooks.some((w) => w.id === id && w.token === token)) return discordReplies.error(401, 50027, 'Invalid Webhook Token');
      return { body: { id, type: 1, name: 'Fake hook', channel_id: FAKE_CHANNEL, guild_id: '222222222222222222', token } };
    }
    if (call.method === 'GET' && /^\/api\/v\d+\/users\/@me\/?$/.test(call.path)) {
      const auth = call.headers.authorization ?? '';
      if (!auth.startsWith('Bot ') || (options.botToken !== undefined && auth !== `Bot ${options.botToken}`)) return discordReplies.error(401, 0, '401: Unauthorized');
      return { body: { id: '333333333333333333', username: 'fake-bot', bot: true } };
    }
    const channel = CHANNEL_MESSAGES.exec(call.path);
    if (call.method === 'POST' && channel?.[1] !== undefined) {
      const auth = call.headers.authorization ?? '';
      if (!auth.startsWith('Bot ') || (options.botToken !== undefined && auth !== `Bot ${options.botToken}`)) {
        return discordReplies.error(401, 0, '401: Unauthorized');
      }
      const { headers, reject } = limit(`channel-${channel[1]}`);
      if (reject !== undefined) return reject;
      return post('bot', channel[1], undefined, body, headers);
    }
    return discordReplies.error(404, 0, '404: Not Found');
  };

  // Get Webhook and Get Current User are who the bridge asks at start-up: not deliveries.
  const server = await startFakeServer(handler, { ...options, aside: (call) => call.method === 'GET' && (WEBHOOK.test(call.path) || /^\/api\/v\d+\/users\/@me\/?$/.test(call.path)) });
  return {
    ...server,
    apiUrl: `${server.url}/api`,
    messages,
    edits,
    current: (id) => live.get(id)?.body,
    deleteMessage: (id) => void live.delete(id),
    reset() {
      server.reset();
      messages.length = 0;
      edits.length = 0;
      live.clear();
      byNonce.clear();
      windows.clear();
    },
  };
}

/** Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). */
function checkLimits(body: Record<string, unknown>): Reply | undefined {
  const content = typeof body.content === 'string' ? body.content : '';
  const embeds = Array.isArray(body.embeds) ? (body.embeds as Record<string, unknown>[]) : [];
  if (content === '' && embeds.length === 0) return discordReplies.error(400, 50006, 'Cannot send an empty message');
  const total = embeds.reduce((sum, e) => sum + embedLength(e), 0);
  if (content.length > 2000 || embeds.length > 10 || total > 6000) return discordReplies.error(400, 50035, 'Invalid Form Body');
  return undefined;
}

function embedLength(embed: Record<string, unknown>): number {
  const len = (v: unknown) => (typeof v === 'string' ? v.length : 0);
  const fields = Array.isArray(embed.fields) ? (embed.fields as Record<string, unknown>[]) : [];
  return len(embed.title) + len(embed.description) + len((embed.footer as { text?: unknown } | undefined)?.text) + fields.reduce((s, f) => s + len(f.name) + len(f.value), 0);
}

function toApiMessage(m: DiscordMessage, timestamp: string): Record<string, unknown> {
  return {
    id: m.id,
    type: 0,
    channel_id: m.channelId,
    ...(m.webhookId !== undefined && { webhook_id: m.webhookId }),
    content: m.body.content ?? '',
    embeds: m.body.embeds ?? [],
    attachments: [],
    mentions: [],
    mention_roles: [],
    pinned: false,
    tts: false,
    timestamp,
    edited_timestamp: null,
    flags: 0,
    components: [],
    ...(m.body.nonce !== undefined && { nonce: m.body.nonce }),
    author: { id: m.webhookId ?? '222222222222222222', username: typeof m.body.username === 'string' ? m.body.username : 'Fake Bot', discriminator: '0000', avatar: null, bot: true },
  };
}
