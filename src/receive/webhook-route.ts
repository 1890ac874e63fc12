import type { Request, RequestHandler } from 'express';
import type { BridgeEvent } from '../events/event.js';
import { parseEvent } from '../events/parse-event.js';
import { summarizeEventIssues } from '../events/summarize-event-issues.js';
import type { Logger } from '../log.js';
import type { Authenticator } from './auth/authenticate.js';
import { headerValue, type Headers } from './auth/headers.js';
import type { DeliveryHeaders } from './delivery-headers.js';
import { BASE_HEADERS } from './base-headers.js';
import { checkContentType } from './check-content-type.js';
import { HttpError } from './http-error.js';
import { createRateLimiter, clientKey } from './rate-limit.js';
import { checkDeclaredLength, readRawBody } from './read-body.js';
import { safeJsonParse } from './safe-json-parse.js';

/**
 * Records an event durably (bridge/create-intake.ts plans and stores it); resolves once it is safe
 * to acknowledge. The delivery id is already the event's id (parseEvent).
 */
export type Intake = (event: BridgeEvent, headers?: DeliveryHeaders) => Promise<'accepted' | 'duplicate'>;

export interface WebhookDeps {
  readonly intake: Intake;
  readonly authenticator: Authenticator;
  readonly maxBodyBytes: number;
  readonly maxDepth: number;
  /** 0 turns the limit off. */
  readonly ratePerMinute: number;
  readonly log: Logger;
  readonly now: () => number;
  /** The request's headers as they are stored with the event (secrets redacted); unset, none are stored. */
  readonly deliveryHeaders?: (headers: Headers) => DeliveryHeaders;
}

/** Throws 429 past `perMinute` requests from one client (0 turns the limit off). */
function rateLimit(perMinute: number, now: () => number): (ip: string | undefined) => void {
  if (perMinute <= 0) return () => undefined;
  const limiter = createRateLimiter({ perMinute, now });
  return (ip) => {
    const r = limiter.take(clientKey(ip));
    if (!r.ok) {
      throw new HttpError(429, 'rate_limited', `too many requests; retry in ${r.retryAfterSeconds}s`, { headers: { 'Retry-After': String(r.retryAfterSeconds) } });
    }
  };
}

function deliveryIdOf(req: Request): string | undefined {
  const id = headerValue(req.headers, 'webhook-id');
  return id === undefined || id === '' ? undefined : id;
}

/**
 * `POST /webhooks/returning-ai`: the ordered checks, cheapest first (content type, declared size,
 * rate, streamed size, authentication and decryption, JSON, depth, prototype keys, schema), then
 * the intake. The answer never waits for Slack, Discord or HubSpot, only for the intake.
 */
export function webhookRoute(deps: WebhookDeps): RequestHandler {
  const limitRate = rateLimit(deps.ratePerMinute, deps.now);
  const readBody = readRawBody(deps.maxBodyBytes);
  // The checks run as plain calls inside one route handler, and the body is the one step that
  // waits: each Express router layer, and each promise per step, costs more than the check itself
  // (measured: four pass-through layers cut a hello-world's rate by ~18 %).
  return async (req, res) => {
    checkContentType(req.headers);
    checkDeclaredLength(req.headers, deps.maxBodyBytes);
    limitRate(req.ip);
    await new Promise<void>((resolve, reject) => void readBody(req, res, (err?: unknown) => (err === undefined || err === null ? resolve() : reject(err))));

    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const auth = deps.authenticator.check(raw, req.headers);
    if (!auth.ok) throw auth.error;

    const json = safeJsonParse(auth.body, deps.maxDepth);
    if (!json.ok) throw new HttpError(400, json.code, json.message);

    const deliveryId = deliveryIdOf(req);
    const parsed = parseEvent(json.value, deliveryId);
    if (!parsed.ok) throw new HttpError(422, 'invalid_event', summarizeEventIssues(parsed.issues));

    let outcome: 'accepted' | 'duplicate';
    try {
      outcome = await deps.intake(parsed.event, deps.deliveryHeaders?.(req.headers));
    } catch (err) {
      if (auth.replayKey !== undefined) deps.authenticator.release(auth.replayKey);
      deps.log.error({ err, eventId: parsed.event.id, type: parsed.event.type }, 'intake failed; the sender should retry');
      throw new HttpError(503, 'unavailable', 'the event could not be recorded; retry later');
    }
    // Written directly: what res.json adds (charset negotiation, ETag, freshness) is for GET answers.
    const body = JSON.stringify({ status: outcome, id: parsed.event.id });
    res.writeHead(outcome === 'accepted' ? 202 : 200, { ...BASE_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
}
