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

/** Censors known secret values inside a string (see secret-scrubber.ts); identity when none. */
export type ScrubText = (text: string) => string;
const keep: ScrubText = (text) => text;

/**
 * Returns `value` with every secret key censored, and every string passed through `scrub` (which
 * cuts out known secret values), copying only the objects on the way to a change (nothing is
 * mutated; a line without secrets costs a walk over its keys). Errors become pino's standard
 * `{ type, message, stack, ... }` form first, so their own properties are checked too.
 * One walk instead of pino's path-based `redact`, which cost ~11 µs a line with the wildcard paths
 * this needs (measured with bench-style load), at several lines per event.
 */
export function redactSecrets(value: unknown, scrub: ScrubText = keep, depth = 0, inError = false): unknown {
  if (typeof value === 'string') return scrub(value);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (value instanceof Error) return redactSecrets(pino.stdSerializers.err(value), scrub, depth, true);
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((v, i) => {
      const r = redactSecrets(v, scrub, depth + 1);
      if (r !== v) (out ??= value.slice())[i] = r;
    });
    return out ?? value;
  }
  let out: Record<string, unknown> | undefined;
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const lower = key.toLowerCase();
    const v = obj[key];
    const r = SECRET_KEYS.has(lower) || (inError && ERROR_SECRET_KEYS.has(lower)) ? CENSOR : redactSecrets(v, scrub, depth + 1);
    if (r !== v) (out ??= { ...obj })[key] = r;
  }
  return out ?? value;
}

/**
 * pino's isoTime, made once per millisecond: an event's lines (received, planned, sent) mostly
 * share one, and formatting the date was ~1 % of the bridge's CPU at full load.
 */
function isoTimeOncePerMs(): () => string {
  let lastMs = Number.NaN;
  let last = '';
  return () => {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      last = `,"time":"${new Date(now).toISOString()}"`;
    }
    return last;
  };
}

/**
 * Structured JSON logs on stdout (or `dest`), secrets redacted by key name and, with `scrub`, by
 * value (the message too).
 */
export function createLogger(opts: { level?: string; dest?: DestinationStream; scrub?: ScrubText } = {}): Logger {
  const scrub = opts.scrub ?? keep;
  return pino(
    {
      level: opts.level ?? 'info',
      base: undefined,
      // The log formatter below has already turned errors into { type, message, stack }; pino's default
      // err serializer would see a plain object and call its type "Object".
      serializers: { err: (e: unknown) => (e instanceof Error ? pino.stdSerializers.err(e) : e) },
      formatters: { log: (obj) => redactSecrets(obj, scrub) as Record<string, unknown> },
      ...(opts.scrub !== undefined && { hooks: { logMethod(args, method) {
        // The message string (the last string argument) is not part of the object formatters see.
        method.apply(this, args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>);
      } } }),
      timestamp: isoTimeOncePerMs(),
    },
    opts.dest,
  );
}

/** A logger that writes nothing (tests, CLI dry runs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
