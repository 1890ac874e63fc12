import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Header and field names whose values are secrets. Slack and Discord webhook URLs carry their
 * secret in the path, so any `url` / `webhook_url` field is redacted too.
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
  'accessToken', '*.accessToken',
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
