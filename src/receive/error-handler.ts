import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../log.js';
import { HttpError, sendError } from './http-error.js';
import { tooLarge } from './read-body.js';

/** body-parser's error types (https://github.com/expressjs/body-parser#errors) → our codes. */
function fromBodyParser(err: { type?: unknown; status?: unknown; limit?: unknown }): HttpError | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return tooLarge(typeof err.limit === 'number' ? err.limit : 0);
    case 'encoding.unsupported':
      return new HttpError(415, 'unsupported_encoding', 'content-encoding must be identity');
    case 'request.aborted':
      return new HttpError(400, 'request_aborted', 'the request body was cut short', { headers: { Connection: 'close' } });
    case 'request.size.invalid':
      return new HttpError(400, 'bad_request', 'the body length does not match content-length', { headers: { Connection: 'close' } });
    default:
      return typeof err.status === 'number' && err.status >= 400 && err.status < 500
        ? new HttpError(err.status, 'bad_request', 'bad request', { reason: String(err.type ?? 'unknown') })
        : undefined;
  }
}

/**
 * The final error handler: every error becomes `{ error: { code, message } }`, never a stack
 * trace (Express's default handler would print one in development).
 */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known = err instanceof HttpError ? err : err !== null && typeof err === 'object' ? fromBodyParser(err) : undefined;
    const httpError = known ?? new HttpError(500, 'internal_error', 'internal error');
    const fields = { method: req.method, path: req.path, ip: req.ip, status: httpError.status, code: httpError.code };
    if (known) log.warn({ ...fields, reason: known.reason ?? known.message }, 'request refused');
    else log.error({ ...fields, err }, 'unexpected error');
    if (res.headersSent) {
      req.socket.destroy();
      return;
    }
    sendError(res, httpError);
  };
}

/** 404 for anything no route took. */
export const notFound: RequestHandler = () => {
  throw new HttpError(404, 'not_found', 'no such route');
};

/** 405 with the Allow header, for a known path and the wrong method. */
export const methodNotAllowed = (allow: readonly string[]): RequestHandler => (req) => {
  throw new HttpError(405, 'method_not_allowed', `${req.method} is not allowed here; use ${allow.join(' or ')}`, { headers: { Allow: allow.join(', ') } });
};
