import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Header and field names whose values are secrets. Slack and Discord webhook URLs carry their
 * secret in the path, so `webhook_url` / `webhookUrl` fields and a logged error's `url` are too.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["webhook-signature"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["webhook-signature"]',
  'token', '*.token', 'secret', '*.secret', 'secrets', '*.secrets',
  'access_token', '*.access_token', 'bot_token', '*.bot_token', 'webhook_url', '*.webhook_url',
  'accessToken', '*.accessToken', 'webhookUrl', '*.webhookUrl',
  // Headers of any request or response object logged by accident (one level down, e.g. `res.headers`).
  '*.headers.authorization', '*.headers["x-api-key"]', '*.headers["webhook-signature"]',
  // discord.js errors carry the request URL (a webhook URL holds its token) and body.
  'err.url', 'err.requestBody',
];

/** Structured JSON logs on stdout (or `dest`), secrets redacted. */
export function createLogger(opts: { level?: string; dest?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    opts.dest,
  );
}

/** A logger that writes nothing (tests, CLI dry runs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
