/** The rules in force, as one immutable snapshot: readers never see half of a reload. */
export interface LoadedSnapshot<T> {
  readonly value: T;
  /** Hash of the rules file text the value was built from. */
  readonly version: string;
  /** Epoch ms when this version took effect. */
  readonly loadedAt: number;
}

/** The outcome of the latest reload attempt, as shown by `GET /status`. */
export interface LastReload {
  /** ISO time of the attempt. */
  readonly at: string;
  readonly ok: boolean;
  /** Every `file:line:col path: message` line, when the reload was refused. */
  readonly errors?: readonly string[];
}

/** JSON body of `GET /status`. */
export interface RulesStatus {
  readonly version: string;
  /** ISO time the rules in force were loaded. */
  readonly loadedAt: string;
  readonly lastReload: LastReload | null;
  /** Reloads that swapped in a new version. */
  readonly reloads: number;
  /** Reloads that were refused (the last good rules stayed in force). */
  readonly failures: number;
}

/** Holds the current rules and the history operators need to trust a reload. */
export interface RulesHolder<T> {
  /** The snapshot in force; take it once per event so one event sees one version. */
  current(): LoadedSnapshot<T>;
  /** Puts a new version in force for every later `current()` call. */
  swap(value: T, version: string): void;
  /** Records a refused reload; the rules in force are untouched. */
  recordError(errors: readonly string[]): void;
  /** Records a reload that found the version already in force (clears a stale error). */
  recordUnchanged(): void;
  status(): RulesStatus;
}

/**
 * Creates the holder of the rules in force. Swapping replaces one reference, so a reader that
 * took `current()` keeps a consistent snapshot while a reload happens.
 *
 * @example
 * const holder = createRulesHolder({ value: compiled, version: loaded.version }, Date.now);
 * const { value: rules, version } = holder.current(); // once per event
 */
export function createRulesHolder<T>(
  initial: { value: T; version: string },
  now: () => number,
): RulesHolder<T> {
  let snapshot: LoadedSnapshot<T> = Object.freeze({ value: initial.value, version: initial.version, loadedAt: now() });
  let lastReload: LastReload | null = null;
  let reloads = 0;
  let failures = 0;
  const iso = (ms: number): string => new Date(ms).toISOString();

  return {
    current: () => snapshot,
    swap(value, version) {
      const at = now();
      snapshot = Object.freeze({ value, version, loadedAt: at });
      lastReload = { at: iso(at), ok: true };
      reloads += 1;
    },
    recordError(errors) {
      lastReload = { at: iso(now()), ok: false, errors: [...errors] };
      failures += 1;
    },
    recordUnchanged() {
      lastReload = { at: iso(now()), ok: true };
    },
    status: () => ({
      version: snapshot.version,
      loadedAt: iso(snapshot.loadedAt),
      lastReload,
      reloads,
      failures,
    }),
  };
}
