import type { Response } from 'express';
import { BASE_HEADERS } from './base-headers.js';

/**
 * An error the edge answers with: `status` and a stable `code` go to the client as
 * `{ error: { code, message } }`; `reason` is for the log only (it may say why a signature failed).
 */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly status: number;
  readonly code: string;
  readonly reason: string | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: string, message: string, opts: { reason?: string; headers?: Record<string, string> } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.reason = opts.reason;
    this.headers = opts.headers ?? {};
  }
}

/** The one shape of every error response. */
export function sendError(res: Response, err: HttpError): void {
  res.set(BASE_HEADERS).set(err.headers).status(err.status).json({ error: { code: err.code, message: err.message } });
}

/** 401 for every failed check, so a prober learns nothing about which one failed. */
export const unauthorized = (reason: string): HttpError =>
  new HttpError(401, 'unauthorized', 'authentication failed', { reason });
