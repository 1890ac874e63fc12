import { startFakeServer, type FakeServer, type FakeServerOptions, type RecordedCall, type Reply } from './fake-server.js';

/**
 * A fake Returning.AI Integration API (https://dev.returning.ai/api-15023884): JSON bodies,
 * `Authorization: Bearer <token>`. Point the sender (or RETURNING_AI_API_URL) at `url`.
 *
 * Routes:
 * - `POST /apis/v1/messages/send` `{ channelId, message, sender, forumTopicId? }` →
 *   `200 {"status":"success","message":"Message send successfully"}`; missing fields 400, an
 *   unknown channel 404, a missing or wrong token 401, all as `{ status: 'error', message }`.
 * - `GET /apis/v1/channels` → `{ status: 'success', data: [{ _id, topic, channelType }] }`.
 * Optional fixed-window rate limit: 429 with `Retry-After` (Returning.AI documents none).
 */

export interface ReturningAiMessage {
  readonly channelId: string;
  readonly message: string;
  readonly sender: string;
  readonly forumTopicId?: string;
}

export interface ReturningAiChannel {
  readonly _id: string;
  readonly topic: string;
  readonly channelType: string;
}

export interface FakeReturningAiOptions extends FakeServerOptions {
  /** The only accepted token; any Bearer token when unset. */
  readonly token?: string;
  /** The community's channels; default one text channel `66f000000000000000000001`. */
  readonly channels?: readonly ReturningAiChannel[];
  /** At most `limit` sends per `windowMs`; 429 with Retry-After beyond. */
  readonly rateLimit?: { readonly limit: number; readonly windowMs: number };
}

export interface FakeReturningAi extends FakeServer {
  /** Messages posted, in order. */
  readonly messages: ReturningAiMessage[];
  /** Calls to the send route. */
  sendCalls(): RecordedCall[];
}

export const RETURNING_AI_CHANNEL = '66f000000000000000000001';

/** Replies for `failNext`. */
export const returningAiReplies = {
  /** 429 with `Retry-After` seconds (keep small in tests). */
  rateLimited: (retryAfterSeconds = 0): Reply => ({ status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, body: { status: 'error', message: 'Too many requests' } }),
  /** An error with Returning.AI's `{ status, message }` body. */
  error: (status: number, message: string): Reply => ({ status, body: { status: 'error', message } }),
  /** A bare status with an HTML body (a proxy or load balancer). */
  http: (status: number): Reply => ({ status, headers: { 'content-type': 'text/html' }, body: `<html>fake returning-ai ${status}</html>` }),
} as const;

const SEND = '/apis/v1/messages/send';
const CHANNELS = '/apis/v1/channels';

export async function startFakeReturningAi(options: FakeReturningAiOptions = {}): Promise<FakeReturningAi> {
  const now = options.now ?? Date.now;
  const channels = options.channels ?? [{ _id: RETURNING_AI_CHANNEL, topic: 'general', channelType: 'text' }];
  const messages: ReturningAiMessage[] = [];
  let window = { start: 0, count: 0 };

  const send = (body: Record<string, unknown>): Reply => {
    const { channelId, message, sender, forumTopicId } = body;
    if (typeof channelId !== 'string' || typeof message !== 'string' || typeof sender !== 'string' || channelId === '' || message === '' || sender === '') {
      return returningAiReplies.error(400, 'channelId, message and sender are required');
    }
    if (!channels.some((c) => c._id === channelId)) return returningAiReplies.error(404, 'Channel not found');
    const rl = options.rateLimit;
    if (rl !== undefined) {
      const t = now();
      if (t - window.start >= rl.windowMs) window = { start: t, count: 0 };
      if (window.count >= rl.limit) return returningAiReplies.rateLimited(Math.ceil((window.start + rl.windowMs - t) / 1000));
      window.count += 1;
    }
    messages.push({ channelId, message, sender, ...(typeof forumTopicId === 'string' && { forumTopicId }) });
    return { status: 200, body: { status: 'success', message: 'Message send successfully' } };
  };

  const handler = (call: RecordedCall): Reply => {
    const auth = call.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || (options.token !== undefined && auth !== `Bearer ${options.token}`)) {
      return returningAiReplies.error(401, 'Unauthorized');
    }
    if (call.method === 'POST' && call.path === SEND) {
      return send((typeof call.json === 'object' && call.json !== null ? call.json : {}) as Record<string, unknown>);
    }
    if (call.method === 'GET' && call.path === CHANNELS) return { status: 200, body: { status: 'success', data: channels } };
    return returningAiReplies.error(404, 'Route not found');
  };

  const server = await startFakeServer(handler, options);
  return {
    ...server,
    messages,
    sendCalls: () => server.calls.filter((c) => c.path === SEND),
    reset() {
      server.reset();
      messages.length = 0;
      window = { start: 0, count: 0 };
    },
  };
}
