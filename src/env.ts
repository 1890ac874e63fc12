import * as z from 'zod';

/**
 * Process settings from the environment. The only module that reads process.env is the CLI entry,
 * which passes it here; everything else takes these values as parameters.
 */
const Port = z.coerce.number().int().min(0).max(65535);
/** A secret setting: unset when empty, else at least `min` characters (a short one is guessable). */
const Secret = (min: number) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.string().min(min, `must be at least ${min} characters`).optional());
const Url = z.url().transform((u) => u.replace(/\/+$/, ''));

export const EnvSchema = z.object({
  PORT: Port.default(3000),
  HOST: z.string().min(1).optional(),
  RULES_FILE: z.string().min(1).default('./rules.yaml'),
  DATA_DIR: z.string().min(1).default('./data'),
  /** `postgres://…` selects the PostgreSQL store (issue 12); unset (or empty), the SQLite file in DATA_DIR. */
  DATABASE_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Per-request timeout for vendor calls. */
  ACTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** How long a graceful shutdown waits for requests and actions in flight. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /** How long dedupe keys are kept (redeliveries within this window fire nothing). */
  DEDUPE_WINDOW_HOURS: z.coerce.number().min(1).max(24 * 365).default(24 * 7),
  /** Events (with their finished jobs) older than this are deleted; 0 keeps them forever. */
  HISTORY_RETENTION_DAYS: z.coerce.number().min(0).max(3650).default(30),
  /** Webhook requests per minute per client IP; 0 turns the limit off. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  /** Largest accepted webhook body. */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(256 * 1024),
  /** Express `trust proxy`: set when behind a reverse proxy so per-client limits see the real client. */
  TRUST_PROXY: z.string().optional(),
  ALLOW_UNAUTHENTICATED: z.enum(['true', 'false']).optional(),
  /** Turns the web console on at /console (login with this password). Empty counts as unset. */
  CONSOLE_PASSWORD: Secret(12),
  /** Bearer token for the console's JSON API (`bridge deliveries --url`); alone it turns on only the API. */
  CONSOLE_TOKEN: Secret(24),
});

/**
 * `<NAME>_API_URL`: a destination kind's base-URL override (each kind names its own variable,
 * ActionKind.apiUrlEnv), so adding a kind does not touch this file.
 */
const API_URL_VAR = /^[A-Z][A-Z0-9_]*_API_URL$/;

export type Settings = z.infer<typeof EnvSchema> & {
  /** Every `*_API_URL` variable that is set, validated as a URL, without a trailing slash. */
  readonly apiUrls: Readonly<Record<string, string>>;
};
export type Env = Readonly<Record<string, string | undefined>>;

export type ReadEnvResult = { ok: true; settings: Settings } | { ok: false; errors: string[] };

export function readEnv(env: Env): ReadEnvResult {
  const errors: string[] = [];
  const apiUrls: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!API_URL_VAR.test(name) || value === undefined || value === '') continue;
    const url = Url.safeParse(value);
    if (url.success) apiUrls[name] = url.data;
    else errors.push(`environment ${name}: ${url.error.issues[0]?.message ?? 'Invalid URL'}`);
  }
  const r = EnvSchema.safeParse(env);
  if (!r.success) errors.unshift(...r.error.issues.map((i) => `environment ${i.path.join('.')}: ${i.message}`));
  if (r.success && errors.length === 0) return { ok: true, settings: { ...r.data, apiUrls } };
  return { ok: false, errors };
}
