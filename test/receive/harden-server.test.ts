import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type Running } from './helpers.js';

/**
 * Answers Node's HTTP layer gives before Express sees the request, over raw sockets (fetch would
 * refuse to send most of these): each is `{"error":{"code","message"}}`, and a HEAD gets none.
 */

let app: Running;
beforeAll(async () => {
  app = await start();
});
afterAll(() => app.close());

interface Exchange {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Every byte after the head, until the server closed the connection. */
  readonly rest: string;
}

/** Writes `chunks` (pausing `gapMs` between them) and reads until the server closes. */
function exchange(chunks: readonly string[], gapMs = 0): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(app.port, '127.0.0.1');
    const got: Buffer[] = [];
    socket.on('data', (c: Buffer) => got.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(got).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, rest: text.slice(end + 4) });
    });
    void (async () => {
      for (const c of chunks) {
        if (socket.destroyed) return;
        socket.write(c);
        if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      }
    })();
  });
}

const longQuery = `q=${'x'.repeat(26 * 1024)}`;
const request = (method: string, extra: string[] = [], target = '/webhooks/returning-ai'): string =>
  `${[`${method} ${target} HTTP/1.1`, ...extra].join('\r\n')}\r\n\r\n`;

const withBody: [string, number, () => Promise<Exchange>, string, string][] = [
  ['POST with Expect: x-unknown', 417, () => exchange([request('POST', ['Host: x', 'Expect: x-unknown', 'Content-Type: application/json', 'Content-Length: 2']) + '{}']),
    'expectation_failed', 'the Expect header is not supported (only 100-continue is)'],
  ['HTTP/1.1 GET without Host', 400, () => exchange([request('GET', [], '/healthz')]), 'bad_request', 'an HTTP/1.1 request needs a Host header'],
  ['HTTP/1.1 POST without Host', 400, () => exchange([request('POST', ['Content-Type: application/json', 'Content-Length: 2']) + '{}']), 'bad_request', 'an HTTP/1.1 request needs a Host header'],
  ['GET with a 26 KiB query', 431, () => exchange([request('GET', ['Host: x'], `/healthz?${longQuery}`)]), 'headers_too_large', 'the request could not be parsed'],
];

const headOnly: [string, number, () => Promise<Exchange>][] = [
  ['HEAD with Expect: x-unknown', 417, () => exchange([request('HEAD', ['Host: x', 'Expect: x-unknown'], '/healthz')])],
  ['HTTP/1.1 HEAD without Host', 400, () => exchange([request('HEAD', [], '/healthz')])],
  ['HEAD with a 26 KiB query', 431, () => exchange([request('HEAD', ['Host: x'], `/healthz?${longQuery}`)])],
  // Node parses the chunk that overflows, which no longer holds the method: no body either.
  ['HEAD with a 26 KiB query in three chunks', 431, () => {
    const r = request('HEAD', ['Host: x'], `/healthz?${longQuery}`);
    return exchange([r.slice(0, 1000), r.slice(1000, 9000), r.slice(9000)], 30);
  }],
];

describe('hardenServer', () => {
  it.each(withBody)('%s → %i with the JSON error', async (_name, status, send, code, message) => {
    const r = await send();
    expect(r.status).toBe(status);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.headers.connection).toBe('close');
    expect(JSON.parse(r.rest)).toEqual({ error: { code, message } });
    expect(Number(r.headers['content-length'])).toBe(Buffer.byteLength(r.rest));
  });

  it.each(headOnly)('%s → %i with no body', async (_name, status, send) => {
    const r = await send();
    expect(r.status).toBe(status);
    expect(r.rest).toBe('');
  });

  it.each([
    ['HTTP/1.0 without Host', 'GET /healthz HTTP/1.0\r\n\r\n', 200],
    ['HTTP/1.1 with Host', request('GET', ['Host: x', 'Connection: close'], '/healthz'), 200],
    ['HEAD with Host', request('HEAD', ['Host: x', 'Connection: close'], '/healthz'), 200],
  ])('%s is served as before', async (_name, bytes, status) => {
    const r = await exchange([bytes]);
    expect(r.status).toBe(status);
    expect(r.rest).toBe(bytes.startsWith('HEAD') ? '' : '{"status":"ok"}');
  });

  it('lets Expect: 100-continue through to the app', async () => {
    const r = await exchange([request('GET', ['Host: x', 'Expect: 100-continue', 'Connection: close'], '/healthz')]);
    expect(r.status).toBe(100);
    expect(r.rest).toContain('HTTP/1.1 200 OK');
  });
});
