import { createHash } from 'node:crypto';
import { kindOf } from '../actions/registry.js';
import type { LoadedRules, ResolvedDestination } from '../config/load-rules.js';
import type { DispatchDestination } from '../dispatch/dispatcher.js';
import { createDryRunSender } from '../dispatch/dry-run-sender.js';
import type { Settings } from '../env.js';
import type { Logger } from '../log.js';

export interface DestinationSummary {
  readonly name: string;
  readonly kind: string;
  readonly mode: 'live' | 'dry run';
}

export interface Destinations {
  /** The dispatcher's view; updated in place when the rules reload. */
  readonly map: Map<string, DispatchDestination>;
  update(loaded: LoadedRules): void;
  summary(): DestinationSummary[];
  close(): Promise<void>;
}


/** Changes when anything that shapes the sender changes (config or credentials); secrets are hashed, never kept. */
function fingerprint(d: ResolvedDestination): string {
  return createHash('sha256').update(JSON.stringify([d.kind, d.config, d.secrets])).digest('hex');
}

/**
 * Builds one sender per destination: the vendor client when its credentials are set, otherwise a
 * dry-run sender that logs what it would send. On reload only changed destinations get new senders.
 */
export function buildDestinations(loaded: LoadedRules, settings: Settings, log: Logger): Destinations {
  const map = new Map<string, DispatchDestination>();
  const prints = new Map<string, string>();
  const live = new Map<string, boolean>();

  const make = (d: ResolvedDestination): DispatchDestination => {
    const kind = kindOf(d.kind);
    if (!kind) throw new Error(`destination "${d.name}": unknown kind "${d.kind}"`);
    // The kind names its own base-URL variable (e.g. SLACK_API_URL): a proxy, or a fake server in tests.
    const apiUrl = kind.apiUrlEnv === undefined ? undefined : settings.apiUrls[kind.apiUrlEnv];
    const sender = d.live
      ? kind.createSender(d.config as never, { ...(apiUrl !== undefined && { apiUrl }), secrets: d.secrets, timeoutMs: settings.ACTION_TIMEOUT_MS })
      : createDryRunSender();
    return { kind, config: d.config, sender };
  };

  const closeSender = (name: string): void => {
    void map.get(name)?.sender.close?.().catch((err: unknown) => log.warn({ err, destination: name }, 'closing a sender failed'));
  };

  const update = (next: LoadedRules): void => {
    for (const [name, d] of next.destinations) {
      const print = fingerprint(d);
      if (prints.get(name) === print) continue;
      closeSender(name);
      map.set(name, make(d));
      prints.set(name, print);
      live.set(name, d.live);
    }
    for (const name of [...map.keys()]) {
      if (next.destinations.has(name)) continue;
      // Jobs already planned for it stay pending until a destination of that name returns.
      log.warn({ destination: name }, 'destination removed from the rules; its pending jobs wait until it is back');
      closeSender(name);
      map.delete(name);
      prints.delete(name);
      live.delete(name);
    }
  };

  update(loaded);
  return {
    map,
    update,
    summary: () => [...map].map(([name, d]) => ({ name, kind: d.kind.kind, mode: live.get(name) ? 'live' : 'dry run' })),
    close: async () => {
      await Promise.allSettled([...map.values()].map((d) => d.sender.close?.()));
    },
  };
}
