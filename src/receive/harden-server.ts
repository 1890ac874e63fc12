import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../log.js';

/** Node's parser errors that have a more precise status than 400. */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
};

/**
 * Server-level settings the Express app cannot set itself: a JSON answer to requests Node's HTTP
 * parser rejects before Express sees them (bad headers, smuggling attempts, header overflow), and
 * timeouts against slow clients.
 */
export function hardenServer(server: Server, log: Logger, opts: { requestTimeoutMs?: number; headersTimeoutMs?: number } = {}): Server {
  server.requestTimeout = opts.requestTimeoutMs ?? 30_000;
  server.headersTimeout = opts.headersTimeoutMs ?? 10_000;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = STATUS_BY_CODE[err.code ?? ''] ?? 400;
    const code = status === 408 ? 'request_timeout' : status === 431 ? 'headers_too_large' : status === 413 ? 'payload_too_large' : 'bad_request';
    log.warn({ status, code, reason: err.code }, 'malformed request refused');
    const body = JSON.stringify({ error: { code, message: 'the request could not be parsed' } });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  return server;
}
