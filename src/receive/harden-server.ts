import { METHODS, STATUS_CODES, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../log.js';

/** Node's parser errors that have a more precise status than 400. */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
};

const errorBody = (code: string, message: string): string => JSON.stringify({ error: { code, message } });

/**
 * The method of the request a parser error is about: the request on the socket whose head Node
 * parsed but whose body it had not finished, else the request line at the start of the chunk Node
 * was parsing (`err.rawPacket`); undefined when that line came in an earlier chunk.
 */
function methodOf(unfinished: IncomingMessage | undefined, rawPacket: unknown): string | undefined {
  if (unfinished !== undefined && !unfinished.complete) return unfinished.method;
  if (!Buffer.isBuffer(rawPacket)) return undefined;
  const method = /^([A-Z-]{1,20}) /.exec(rawPacket.subarray(0, 21).toString('latin1'))?.[1];
  return method !== undefined && METHODS.includes(method) ? method : undefined;
}

/** A JSON error on a request Node parsed but Express never sees (ServerResponse drops the body of a HEAD). */
function answer(res: ServerResponse, status: number, code: string, message: string): void {
  const body = errorBody(code, message);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
  res.end(body);
}

/**
 * Server-level settings the Express app cannot set itself: a JSON answer to requests Node's HTTP
 * layer refuses before Express sees them (bad headers, smuggling attempts, header overflow, an
 * unknown `Expect`, HTTP/1.1 without `Host`), and timeouts against slow clients. Call it after the
 * app is attached (`hardenServer(createServer(app), log)`): the Host check runs before the app.
 */
export function hardenServer(server: Server, log: Logger, opts: { requestTimeoutMs?: number; headersTimeoutMs?: number } = {}): Server {
  server.requestTimeout = opts.requestTimeoutMs ?? 30_000;
  server.headersTimeout = opts.headersTimeoutMs ?? 10_000;
  const lastRequest = new WeakMap<Socket, IncomingMessage>();
  server.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: unknown }, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = STATUS_BY_CODE[err.code ?? ''] ?? 400;
    const code = status === 408 ? 'request_timeout' : status === 431 ? 'headers_too_large' : status === 413 ? 'payload_too_large' : 'bad_request';
    const method = methodOf(lastRequest.get(socket), err.rawPacket);
    log.warn({ status, code, reason: err.code, method }, 'malformed request refused');
    // A HEAD answer carries no body (RFC 9110 §9.3.2). When the request line came in an earlier
    // chunk the method is unknown: answer without a body too, which frames correctly for any method.
    const body = method === undefined || method === 'HEAD' ? '' : errorBody(code, 'the request could not be parsed');
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n${body ? 'Content-Type: application/json; charset=utf-8\r\n' : ''}` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  // Without a listener Node answers an Expect other than 100-continue with a bare 417.
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    log.warn({ status: 417, code: 'expectation_failed', method: req.method, path: req.url?.split('?')[0] }, 'request refused');
    answer(res, 417, 'expectation_failed', 'the Expect header is not supported (only 100-continue is)');
  });
  // Node's own Host check (requireHostHeader) answers a bare 400: check here instead, before the app.
  (server as Server & { requireHostHeader: boolean }).requireHostHeader = false;
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    lastRequest.set(req.socket, req);
    if (req.httpVersion === '1.1' && req.headers.host === undefined) {
      log.warn({ status: 400, code: 'bad_request', method: req.method, path: req.url?.split('?')[0] }, 'request refused');
      answer(res, 400, 'bad_request', 'an HTTP/1.1 request needs a Host header');
      return;
    }
    for (const listener of listeners) listener.call(server, req, res);
  });
  return server;
}
