import { z } from 'zod';

/**
 * Process settings from the environment. The only module that reads process.env is the CLI entry,
 * which passes it here; everything else takes these values as parameters.
 */
const Port = z.coerce.number().int().min(0).max(65535);
const Url = z.url().transform((u) => u.replace(/\/+$/, ''));

export const EnvSchema = z.object({
  PORT: Port.default(3000),
  HOST: z.string().min(1).optional(),
  RULES_FILE: z.string().min(1).default('./rules.yaml'),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SLACK_API_URL: Url.optional(),
  DISCORD_API_URL: Url.optional(),
  HUBSPOT_API_URL: Url.optional(),
  /** Per-request timeout for vendor calls. */
  ACTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
});

export type Settings = z.infer<typeof EnvSchema>;
export type Env = Readonly<Record<string, string | undefined>>;

export type ReadEnvResult = { ok: true; settings: Settings } | { ok: false; errors: string[] };

export function readEnv(env: Env): ReadEnvResult {
  const r = EnvSchema.safeParse(env);
  if (r.success) return { ok: true, settings: r.data };
  return { ok: false, errors: r.error.issues.map((i) => `environment ${i.path.join('.')}: ${i.message}`) };
}
