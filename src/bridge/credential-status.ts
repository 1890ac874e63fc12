import type { LoadedRules } from '../config/load-rules.js';
import type { Logger } from '../log.js';
import type { OnlineCheck } from './check-online.js';

/** What `/status` says of one destination's credentials. */
export type CredentialState =
  | { readonly state: 'checking' }
  | { readonly state: 'ok'; readonly as: string; readonly checkedAt: string }
  | { readonly state: 'refused'; readonly error: string; readonly checkedAt: string };

export interface CredentialStatus {
  /** Asks each live destination of `loaded` who it is, in the background; logs one line each. */
  check(loaded: LoadedRules): Promise<void>;
  /** The latest answer per destination name; dry destinations have none. */
  get(name: string): CredentialState | undefined;
  /** No more log lines or updates (the bridge is stopping). */
  close(): void;
}

export interface CredentialStatusDeps {
  readonly checkOnline: (loaded: LoadedRules) => Promise<OnlineCheck[]>;
  readonly log: Logger;
  readonly now: () => number;
}

/**
 * A start-up (and reload) credential check that never holds the bridge up: events are accepted
 * while it runs, and a refused token is a warning with the vendor's answer (scrubbed), not a
 * failed start, because the vendor may only be briefly unreachable. Later checks win.
 */
export function createCredentialStatus(deps: CredentialStatusDeps): CredentialStatus {
  const states = new Map<string, CredentialState>();
  let generation = 0;
  let closed = false;
  return {
    async check(loaded) {
      const mine = ++generation;
      states.clear();
      for (const d of loaded.destinations.values()) if (d.live) states.set(d.name, { state: 'checking' });
      let results: OnlineCheck[];
      try {
        results = await deps.checkOnline(loaded);
      } catch (err) {
        // checkOnline answers per destination; this is only a bug guard, so a check never crashes the bridge.
        deps.log.warn({ err }, 'credential check failed');
        return;
      }
      if (closed || mine !== generation) return;
      const checkedAt = new Date(deps.now()).toISOString();
      for (const r of results) {
        if (r.ok) {
          states.set(r.name, { state: 'ok', as: r.as, checkedAt });
          deps.log.info({ destination: r.name, kind: r.kind, as: r.as }, `destination ${r.name}: authenticated as ${r.as}`);
        } else {
          states.set(r.name, { state: 'refused', error: r.error, checkedAt });
          deps.log.warn({ destination: r.name, kind: r.kind, error: r.error }, `destination ${r.name}: credentials refused: ${r.error}`);
        }
      }
    },
    get: (name) => states.get(name),
    close() {
      closed = true;
    },
  };
}
