import type { IncomingHttpHeaders } from 'node:http';
import express, { type RequestHandler } from 'express';
import { HttpError } from './http-error.js';

/** Close the connection after a 413 so the client cannot keep streaming the rest. */
const CLOSE = { Connection: 'close' };

export const tooLarge = (limit: number): HttpError =>
  new HttpError(413, 'payload_too_large', `body exceeds ${limit} bytes`, { headers: CLOSE });

/** Throws 413 from the declared Content-Length, before a byte of the body is read. */
export function checkDeclaredLength(headers: IncomingHttpHeaders, limit: number): void {
  const declared = Number(headers['content-length'] ?? 0);
  if (declared > limit) throw tooLarge(limit);
}

/**
 * Reads the raw bytes (signatures are over them, so no JSON parser here), stopping with 413 as
 * soon as more than `limit` bytes arrive, whatever Content-Length said. Compressed bodies are
 * refused (415): inflating them would let a small request expand past the limit's intent.
 */
export function readRawBody(limit: number): RequestHandler {
  return express.raw({ type: () => true, limit, inflate: false });
}
