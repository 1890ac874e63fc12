import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorMessage } from '../../src/error-message.js';

/**
 * A small node:http server on 127.0.0.1 (a free port) that records every request and answers
 * through a route handler, with scripted replies on top. The vendor fakes (fake-slack.ts,
 * fake-discord.ts, fake-hubspot.ts) are routers over it; tests and benchmarks use them through the
 * real SDKs by pointing SLACK_API_URL / DISCORD_API_URL / HUBSPOT_API_URL at `url`.
 */

/** One request as it arrived. */
export interface RecordedCall {
  readonly method: string;
  /** Path and query as sent, e.g. `/api/v10/webhooks/1/t?wait=true`. */
  readonly url: string;
  /** Path without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  /** The body as text. */
  readonly raw: string;
  /** Parsed body when it is JSON. */
  readonly json?: unknown;
  /** Parsed body when it is `application/x-www-form-urlencoded` (Slack). */
  readonly form?: Readonly<Record<string, string>>;
  /** `now()` when the request arrived. */
  readonly at: number;
}

/** How to answer. A non-string `body` is sent as JSON. */
export interface Reply {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Answer after this many ms (for timeouts that end). */
  readonly delayMs?: number;
  /** Never answer (the client's timeout fires; the socket is freed on close). */
  readonly hang?: boolean;
  /** Read the request, then destroy the socket without answering: a reset after sending. */
  readonly destroy?: boolean;
}

export type Handler = (call: RecordedCall) => Reply | Promise<Reply>;
/** Consulted before the route handler; return undefined to let the route answer. */
export type Interceptor = (call: RecordedCall) => Reply | undefined | Promise<Reply | undefined>;

export interface FakeServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly url: string;
  /** Every request received, in order (scripted ones included), except the `aside` ones. */
  readonly calls: RecordedCall[];
  /**
   * Requests the fake's `aside` predicate set apart (identity reads such as Slack auth.test, made by
   * the bridge at start-up), so tests that count a destination's calls count only deliveries.
   */
  readonly asideCalls: RecordedCall[];
  /**
   * Answer the next `n` requests (that satisfy `match`, if given) with `reply` instead of the route.
   * Scripts queue up in call order.
   */
  failNext(n: number, reply: Reply | ((call: RecordedCall) => Reply), match?: (call: RecordedCall) => boolean): void;
  /** Set (or clear, with undefined) a hook that sees every request before the route. */
  intercept(hook: Interceptor | undefined): void;
  /** Resolves once `predicate()` holds after a request was handled; rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /** Forget recorded calls, scripts and the hook. */
  reset(): void;
  /** Close the server and every connection, including hung ones. */
  close(): Promise<void>;
}

export interface FakeServerOptions {
  /** Clock for `RecordedCall.at` (and for vendor fakes' rate-limit windows). Default Date.now. */
  readonly now?: () => number;
}

export interface FakeServerInternals {
  /**
   * Requests recorded in `asideCalls` instead of `calls`, answered by the route: unmatched scripts
   * and the intercept hook skip them; only a script whose `match` accepts them applies.
   */
  readonly aside?: (call: RecordedCall) => boolean;
}

interface Script {
  remaining: number;
  reply: Reply | ((call: RecordedCall) => Reply);
  match?: (call: RecordedCall) => boolean;
}

export async function startFakeServer(handler: Handler, options: FakeServerOptions & FakeServerInternals = {}): Promise<FakeServer> {
  const now = options.now ?? Date.now;
  const calls: RecordedCall[] = [];
  const asideCalls: RecordedCall[] = [];
  const isAside = options.aside ?? (() => false);
  let scripts: Script[] = [];
  let hook: Interceptor | undefined;
  const waiters = new Set<() => void>();
  const timers = new Set<NodeJS.Timeout>();

  const answer = async (call: RecordedCall, aside: boolean): Promise<Reply> => {
    const script = scripts.find((s) => s.remaining > 0 && (s.match === undefined ? !aside : s.match(call)));
    if (script !== undefined) {
      script.remaining -= 1;
      scripts = scripts.filter((s) => s.remaining > 0);
      return typeof script.reply === 'function' ? script.reply(call) : script.reply;
    }
    return (aside ? undefined : await hook?.(call)) ?? handler(call);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const call = record(req, Buffer.concat(chunks).toString('utf8'), now());
        const aside = isAside(call);
        (aside ? asideCalls : calls).push(call);
        let reply: Reply;
        try {
          reply = await answer(call, aside);
        } catch (error) {
          reply = { status: 500, body: { fake_error: errorMessage(error) } };
        }
        for (const notify of [...waiters]) notify();
        if (reply.hang === true) return;
        if (reply.destroy === true) {
          req.socket.destroy();
          return;
        }
        const send = () => {
          const headers: Record<string, string> = { ...reply.headers };
          let body = reply.body;
          if (body !== undefined && typeof body !== 'string') {
            body = JSON.stringify(body);
            headers['content-type'] ??= 'application/json; charset=utf-8';
          }
          res.writeHead(reply.status ?? 200, headers);
          res.end(body ?? '');
        };
        if (reply.delayMs !== undefined && reply.delayMs > 0) {
          const timer = setTimeout(() => {
            timers.delete(timer);
            send();
          }, reply.delayMs);
          timers.add(timer);
        } else send();
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    asideCalls,
    failNext(n, reply, match) {
      scripts.push({ remaining: n, reply, ...(match !== undefined && { match }) });
    },
    intercept(next) {
      hook = next;
    },
    waitFor(predicate, timeoutMs = 15_000) {
      if (predicate()) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!predicate()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`fake server: condition not met within ${timeoutMs} ms (${calls.length} calls so far)`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    reset() {
      calls.length = 0;
      asideCalls.length = 0;
      scripts = [];
      hook = undefined;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve) => {
        // Clients keep connections alive (and hung requests never end): close them or close() hangs.
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

function record(req: http.IncomingMessage, raw: string, at: number): RecordedCall {
  const url = req.url ?? '/';
  const parsed = new URL(url, 'http://fake');
  const type = req.headers['content-type'] ?? '';
  let json: unknown;
  let form: Record<string, string> | undefined;
  if (type.includes('application/x-www-form-urlencoded')) form = Object.fromEntries(new URLSearchParams(raw));
  else if (raw !== '') {
    try {
      json = JSON.parse(raw);
    } catch {
      // not JSON: keep `raw` only
    }
  }
  return {
    method: req.method ?? 'GET',
    url,
    path: parsed.pathname,
    query: parsed.searchParams,
    headers: req.headers,
    raw,
    ...(json !== undefined && { json }),
    ...(form !== undefined && { form }),
    at,
  };
}
