import { createHash } from 'node:crypto';
import { kindOf } from '../actions/registry.js';
import type { LoadedRules, ResolvedDestination } from '../config/load-rules.js';
import type { DispatchDestination } from '../dispatch/dispatcher.js';
import { createDryRunSender } from '../dispatch/dry-run-sender.js';
import type { Settings } from '../env.js';
import type { Logger } from '../log.js';
import { errorMessage } from '../error-message.js';

export interface DestinationSummary {
  readonly name: string;
  readonly kind: string;
  readonly mode: 'live' | 'dry run';
}

/** Senders built for a set of rules, not yet in use: `apply` puts them in force, `discard` closes them. */
export interface StagedDestinations {
  /** Swaps the new senders in, closes the replaced ones; returns the names of removed destinations. */
  apply(): string[];
  discard(): void;
  /** Resolves once every new sender's client library is loaded (`Sender.ready`). */
  ready(): Promise<void>;
}

export type Staged = { ok: true; staged: StagedDestinations } | { ok: false; errors: string[] };

export interface Destinations {
  /** The dispatcher's view; updated in place when staged senders are applied. */
  readonly map: Map<string, DispatchDestination>;
  /**
   * Builds the senders of every changed destination of `loaded` without touching those in use: a
   * destination that cannot be built (a malformed credential, say) is an error of that reload.
   */
  stage(loaded: LoadedRules): Staged;
  /** Resolves once every sender in use has its client library loaded. */
  ready(): Promise<void>;
  summary(): DestinationSummary[];
  close(): Promise<void>;
}

export interface BuildOptions {
  readonly settings: Settings;
  readonly log: Logger;
  /** Labels errors (`rules.yaml destinations.x: …`). */
  readonly file: string;
  /** Cuts credential values out of error text (a client's error may quote what it was given). */
  readonly scrub?: (text: string) => string;
}


/** Changes when anything that shapes the sender changes (config or credentials); secrets are hashed, never kept. */
function fingerprint(d: ResolvedDestination): string {
  return createHash('sha256').update(JSON.stringify([d.kind, d.config, d.secrets])).digest('hex');
}

/**
 * Builds one sender per destination: the vendor client when its credentials are set, otherwise a
 * dry-run sender that logs what it would send. On reload only changed destinations get new
 * senders, and only once all of them could be built.
 */
export function buildDestinations(loaded: LoadedRules, opts: BuildOptions): { ok: true; destinations: Destinations } | { ok: false; errors: string[] } {
  const { settings, log } = opts;
  const scrub = opts.scrub ?? ((text: string) => text);
  const map = new Map<string, DispatchDestination>();
  const prints = new Map<string, string>();
  const live = new Map<string, boolean>();

  const make = (d: ResolvedDestination): DispatchDestination => {
    const kind = kindOf(d.kind);
    if (!kind) throw new Error(`unknown kind "${d.kind}"`);
    // The kind names its own base-URL variable (e.g. SLACK_API_URL): a proxy, or a fake server in tests.
    const apiUrl = kind.apiUrlEnv === undefined ? undefined : settings.apiUrls[kind.apiUrlEnv];
    const sender = d.live
      ? kind.createSender(d.config as never, { ...(apiUrl !== undefined && { apiUrl }), secrets: d.secrets, timeoutMs: settings.ACTION_TIMEOUT_MS })
      : createDryRunSender(kind.maxBatch);
    return { kind, config: d.config, sender };
  };

  const closeSender = (name: string, dest: DispatchDestination | undefined): void => {
    void dest?.sender.close?.().catch((err: unknown) => log.warn({ err, destination: name }, 'closing a sender failed'));
  };

  const stage = (next: LoadedRules): Staged => {
    const built = new Map<string, { dest: DispatchDestination; print: string; live: boolean }>();
    const errors: string[] = [];
    for (const [name, d] of next.destinations) {
      const print = fingerprint(d);
      if (prints.get(name) === print) continue;
      try {
        built.set(name, { dest: make(d), print, live: d.live });
      } catch (err) {
        errors.push(`${opts.file} destinations.${name}: cannot build the ${d.kind} sender: ${scrub(errorMessage(err))}`);
      }
    }
    const discard = (): void => {
      for (const [name, b] of built) closeSender(name, b.dest);
    };
    if (errors.length > 0) {
      discard();
      return { ok: false, errors };
    }
    return {
      ok: true,
      staged: {
        discard,
        ready: async () => {
          await Promise.all([...built.values()].map((b) => b.dest.sender.ready?.()));
        },
        apply() {
          for (const [name, b] of built) {
            closeSender(name, map.get(name));
            map.set(name, b.dest);
            prints.set(name, b.print);
            live.set(name, b.live);
          }
          const removed = [...map.keys()].filter((name) => !next.destinations.has(name));
          for (const name of removed) {
            closeSender(name, map.get(name));
            map.delete(name);
            prints.delete(name);
            live.delete(name);
          }
          return removed;
        },
      },
    };
  };

  const first = stage(loaded);
  if (!first.ok) return first;
  first.staged.apply();
  return {
    ok: true,
    destinations: {
      map,
      stage,
      ready: async () => {
        await Promise.all([...map.values()].map((d) => d.sender.ready?.()));
      },
      summary: () => [...map].map(([name, d]) => ({ name, kind: d.kind.kind, mode: live.get(name) ? 'live' : 'dry run' })),
      close: async () => {
        await Promise.allSettled([...map.values()].map((d) => d.sender.close?.()));
      },
    },
  };
}
