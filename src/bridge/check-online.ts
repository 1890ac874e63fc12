import { kindOf } from '../actions/registry.js';
import type { LoadedRules } from '../config/load-rules.js';
import type { Settings } from '../env.js';
import { errorMessage } from '../error-message.js';
import { createSecretScrubber } from '../secret-scrubber.js';
import { secretValues } from './secret-values.js';

/** What one live destination's credentials came to against the vendor. */
export type OnlineCheck = { readonly name: string; readonly kind: string } & ({ readonly ok: true; readonly as: string } | { readonly ok: false; readonly error: string });

/**
 * Asks each live destination's vendor who its credentials are (its kind's `whoAmI`), all at once,
 * each bounded by ACTION_TIMEOUT_MS, against the `*_API_URL` bases. Errors are scrubbed of secrets.
 */
export async function checkOnline(loaded: LoadedRules, settings: Settings): Promise<OnlineCheck[]> {
  const { scrub } = createSecretScrubber(secretValues(loaded, {}));
  const live = [...loaded.destinations.values()].filter((d) => d.live);
  return Promise.all(
    live.map(async (d): Promise<OnlineCheck> => {
      const kind = kindOf(d.kind);
      if (kind?.whoAmI === undefined) return { name: d.name, kind: d.kind, ok: true, as: '(this kind has no check)' };
      const apiUrl = kind.apiUrlEnv === undefined ? undefined : settings.apiUrls[kind.apiUrlEnv];
      try {
        const as = await kind.whoAmI(d.config as never, { ...(apiUrl !== undefined && { apiUrl }), secrets: d.secrets, timeoutMs: settings.ACTION_TIMEOUT_MS });
        return { name: d.name, kind: d.kind, ok: true, as: scrub(as) };
      } catch (err) {
        return { name: d.name, kind: d.kind, ok: false, error: scrub(errorMessage(err)) };
      }
    }),
  );
}
