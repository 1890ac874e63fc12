import express, { type Express } from 'express';
import type { Logger } from '../log.js';
import type { AuthConfig } from './auth/auth-config.js';
import { createAuthenticator } from './auth/authenticate.js';
import { BASE_HEADERS } from './base-headers.js';
import { errorHandler, methodNotAllowed, notFound } from './error-handler.js';
import { redactHeaders } from './delivery-headers.js';
import { webhookRoute, type Intake } from './webhook-route.js';

export interface AppDeps {
  readonly intake: Intake;
  /** Resolved secrets (resolveAuth); `{}` means no authentication. A function is read per request (live reload). */
  readonly auth: AuthConfig | (() => AuthConfig);
  readonly limits?: {
    /** Default 256 KiB. */
    readonly maxBodyBytes?: number;
    /** Default 32. */
    readonly maxDepth?: number;
    /** Per client IP (per /64 for IPv6) on the webhook route; default 600, 0 turns it off. */
    readonly ratePerMinute?: number;
  };
  readonly log: Logger;
  readonly now: () => number;
  readonly health?: { readonly ready: () => { ok: boolean; details?: Record<string, unknown> } };
  /** Express `trust proxy` (https://expressjs.com/en/guide/behind-proxies.html); off by default, so req.ip is the peer. */
  readonly trustProxy?: boolean | number | string;
  /** Whether a header value holds a configured secret (the secret scrubber): such headers are stored redacted. */
  readonly isSecret?: (value: string) => boolean;
  /** Mounts more routes (e.g. /metrics) before the 404 handler. */
  readonly extraRoutes?: (app: Express) => void;
}

export const WEBHOOK_PATH = '/webhooks/returning-ai';

/**
 * The HTTP edge, without listening (tests drive it on an ephemeral port; serve wraps it with
 * hardenServer).
 * @example http.createServer(createApp({ intake, auth: resolveAuth(rules.auth, env), log, now: Date.now })).listen(3000)
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', deps.trustProxy ?? false);
  // The webhook first, ahead of the headers middleware: it is nearly all the traffic, and each
  // router layer a request passes costs it (it and the error handler set BASE_HEADERS themselves).
  app
    .route(WEBHOOK_PATH)
    .post(
      webhookRoute({
        intake: deps.intake,
        authenticator: createAuthenticator(deps.auth, deps.now),
        maxBodyBytes: deps.limits?.maxBodyBytes ?? 256 * 1024,
        maxDepth: deps.limits?.maxDepth ?? 32,
        ratePerMinute: deps.limits?.ratePerMinute ?? 600,
        log: deps.log,
        deliveryHeaders: (headers) => {
          const auth = typeof deps.auth === 'function' ? deps.auth() : deps.auth;
          return redactHeaders(headers, { secretHeaders: auth.apiKey === undefined ? [] : [auth.apiKey.header], isSecret: deps.isSecret ?? (() => false) });
        },
        now: deps.now,
      }),
    )
    .all(methodNotAllowed(['POST']));
  app.use((_req, res, next) => {
    res.set(BASE_HEADERS);
    next();
  });

  app.route('/healthz').get((_req, res) => void res.json({ status: 'ok' })).all(methodNotAllowed(['GET', 'HEAD']));
  app
    .route('/readyz')
    .get((_req, res) => {
      let r: { ok: boolean; details?: Record<string, unknown> };
      try {
        r = deps.health?.ready() ?? { ok: true };
      } catch (err) {
        deps.log.error({ err }, 'readiness check failed');
        r = { ok: false };
      }
      res.status(r.ok ? 200 : 503).json({ status: r.ok ? 'ready' : 'not_ready', ...(r.details && { details: r.details }) });
    })
    .all(methodNotAllowed(['GET', 'HEAD']));

  deps.extraRoutes?.(app);
  app.use(notFound);
  app.use(errorHandler(deps.log));
  return app;
}
