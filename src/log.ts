import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Keys whose values are secrets wherever they appear in a log line (compared lower-cased):
 * credentials, auth headers, and Slack/Discord webhook URLs, which carry their secret in the path.
 */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'authorization', 'x-api-key', 'webhook-signature', 'cookie',
  'token', 'secret', 'secrets', 'password', 'api_key', 'apikey',
  'access_token', 'accesstoken', 'bot_token', 'bottoken', 'webhook_url', 'webhookurl',
]);

/** On error objects, also the request URL and body: discord.js errors carry the webhook URL (with its token). */
const ERROR_SECRET_KEYS: ReadonlySet<string> = new Set(['url', 'requestbody']);

const CENSOR = '[redacted]';
const MAX_DEPTH = 10;

/**
 * Returns `value` with every secret key censored, copying only the objects on the way to a secret
 * (nothing is mutated; a line without secrets costs a walk over its keys). Errors become pino's
 * standard `{ type, message, stack, ... }` form first, so their own properties are checked too.
 * One walk by key name instead of pino's path-based `redact`, which cost ~11 µs a line with the
 * wildcard paths this needs (measured with bench-style load), at several lines per event.
 */
export function redactSecrets(value: unknown, depth = 0, inError = false): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (value instanceof Error) return redactSecrets(pino.stdSerializers.err(value), depth, true);
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((v, i) => {
      const r = redactSecrets(v, depth + 1);
      if (r !== v) (out ??= value.slice())[i] = r;
    });
    return out ?? value;
  }
  let out: Record<string, unknown> | undefined;
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const lower = key.toLowerCase();
    const v = obj[key];
    const r = SECRET_KEYS.has(lower) || (inError && ERROR_SECRET_KEYS.has(lower)) ? CENSOR : redactSecrets(v, depth + 1);
    if (r !== v) (out ??= { ...obj })[key] = r;
  }
  return out ?? value;
}

/** Structured JSON logs on stdout (or `dest`), secrets redacted. */
export function createLogger(opts: { level?: string; dest?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: undefined,
      formatters: { log: (obj) => redactSecrets(obj) as Record<string, unknown> },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    opts.dest,
  );
}

/** A logger that writes nothing (tests, CLI dry runs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
