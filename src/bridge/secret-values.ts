import type { LoadedRules } from '../config/load-rules.js';
import type { AuthConfig } from '../receive/auth/auth-config.js';

/**
 * Every credential value the rules resolved: each destination's secrets (tokens, webhook URLs,
 * keys; dry-run destinations' partial sets too) and the auth secrets, in the forms they are
 * written in the environment. For the secret scrubber.
 */
export function secretValues(loaded: LoadedRules, auth: AuthConfig): string[] {
  const values: string[] = [];
  for (const d of loaded.destinations.values()) values.push(...Object.values(d.secrets));
  if (auth.apiKey !== undefined) values.push(auth.apiKey.key);
  // Written `whsec_<base64>`; an error may quote either.
  for (const key of auth.standardWebhooks?.secrets ?? []) values.push(`whsec_${key.toString('base64')}`, key.toString('base64'));
  if (auth.encryption !== undefined) values.push(auth.encryption.key.toString('utf8'));
  return values;
}
