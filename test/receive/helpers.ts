import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { BridgeEvent } from '../../src/events/event.js';
import { createLogger } from '../../src/log.js';
import type { AuthConfig } from '../../src/receive/auth/auth-config.js';
import { signStandardWebhook } from '../../src/receive/auth/verify-standard-webhook.js';
import { createApp, type AppDeps } from '../../src/receive/create-app.js';
import { hardenServer } from '../../src/receive/harden-server.js';

/** 2025-09-02T09:41:05Z, just after the docs' sample visit. */
export const NOW_MS = Date.parse('2025-09-02T09:41:05.000Z');
export const NOW_S = Math.floor(NOW_MS / 1000);

export const API_KEY = 'k3y-for-tests-0123456789';
export const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
export const OLD_SECRET = `whsec_${Buffer.from('old-secret-old-secret-old-secret').toString('base64')}`;
export const AES_KEY = 'abcdefghijklmnopqrstuvwxyz012345';

/** The docs' User Visits Server example as a real sender would serialise it. */
export function visit(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    owner: { id: '1342', name: 'John Doe', avatar: 'https://example.amazonaws.com/01f0cefadf6cbf4.gif', email: 'johndoe@example.com' },
    user: {
      id: '1234', firstName: 'Jane', lastName: 'Doe', name: 'Jane Doe', avatar: 'https://www.example.com/img/user-avatar.png',
      email: 'janedoe@example.com', nicename: 'janedoe', displayname: 'Jane Doe',
    },
    date: '2025-09-02T09:41:04.769Z',
    event: { name: 'User Visits Server', description: 'Triggers when a user visits the server' },
    server: { id: '6502564c5c09c0a', name: "John's community" },
    ...overrides,
  };
}

export const key = (s: string): Buffer => Buffer.from(s.slice('whsec_'.length), 'base64');

/** Every scheme on, encryption optional so plaintext requests still pass. */
export const FULL_AUTH: AuthConfig = {
  apiKey: { header: 'x-api-key', key: API_KEY },
  standardWebhooks: { secrets: [key(SECRET), key(OLD_SECRET)], toleranceSeconds: 300 },
  encryption: { key: Buffer.from(AES_KEY), mode: 'auto', encoding: 'base64', iv: { at: 'prefix' }, tag: { at: 'suffix' }, gcmIvBytes: 12, required: false },
};

let counter = 0;
/** A fresh delivery id. */
export const nextId = (): string => `msg_${++counter}_${process.pid}`;

/** Headers of a correctly authenticated request for `body` under FULL_AUTH. */
export function authHeaders(body: Buffer | string, opts: { id?: string; ts?: number; secret?: string } = {}): Record<string, string> {
  const id = opts.id ?? nextId();
  const ts = opts.ts ?? NOW_S;
  return {
    'content-type': 'application/json',
    'x-api-key': API_KEY,
    'webhook-id': id,
    'webhook-timestamp': String(ts),
    'webhook-signature': signStandardWebhook(opts.secret ?? SECRET, id, ts, body),
  };
}

export interface Running {
  readonly url: string;
  readonly port: number;
  readonly calls: BridgeEvent[];
  readonly logs: string[];
  /** Set to make the fake intake throw. */
  failIntake: boolean;
  clock: number;
  close(): Promise<void>;
}

/** The app on 127.0.0.1:<ephemeral>, hardened like `bridge serve`, with a recording fake intake. */
export async function start(deps: Partial<AppDeps> = {}): Promise<Running> {
  const logs: string[] = [];
  const seen = new Set<string>();
  const running = { calls: [], logs, failIntake: false, clock: NOW_MS } as unknown as Running;
  const log = createLogger({ level: 'debug', dest: { write: (line: string) => void logs.push(line) } });
  const app = createApp({
    auth: {},
    log,
    now: () => running.clock,
    intake: async (event) => {
      if (running.failIntake) throw new Error('disk full');
      running.calls.push(event);
      if (seen.has(event.id)) return 'duplicate';
      seen.add(event.id);
      return 'accepted';
    },
    ...deps,
  });
  const server: Server = hardenServer(createServer(app), log);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(running, {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  });
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Sends bytes on a fresh socket exactly as given (for lies fetch refuses to tell) and reads one response. */
export function rawRequest(port: number, bytes: Buffer | string, opts: { endAfterWrite?: boolean } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const finish = () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const head = text.slice(0, text.indexOf('\r\n\r\n'));
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      const rest = Buffer.concat(chunks).subarray(Buffer.byteLength(head, 'latin1') + 4);
      const len = Number(headers['content-length'] ?? rest.length);
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.subarray(0, len).toString('utf8') });
    };
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      const all = Buffer.concat(chunks).toString('latin1');
      const end = all.indexOf('\r\n\r\n');
      const m = /\r\ncontent-length: *(\d+)/i.exec(all.slice(0, end));
      if (end >= 0 && m && Buffer.byteLength(all, 'latin1') >= end + 4 + Number(m[1])) {
        socket.destroy();
        finish();
      }
    });
    socket.on('end', finish);
    socket.on('error', reject);
    socket.write(bytes);
    if (opts.endAfterWrite) socket.end();
  });
}

/** POST to the webhook route and return status + parsed JSON. */
export async function post(url: string, body: Buffer | string, headers: Record<string, string>): Promise<{ status: number; json: unknown; headers: Headers }> {
  const res = await fetch(`${url}/webhooks/returning-ai`, { method: 'POST', body, headers });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}
