import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from '../log.js';
import type { RulesHolder } from './rules-holder.js';
import { errorMessage } from '../error-message.js';

/** What one read of the rules file came to: built rules, or every reason it was refused. */
export type LoadOutcome<T> =
  | { ok: true; value: T; version: string; warnings?: readonly string[] }
  | { ok: false; errors: readonly string[] };

/** Options of {@link watchRules}. */
export interface WatchRulesOptions<T> {
  /** The rules file; its directory is watched. */
  readonly path: string;
  /** Reads, validates and builds the rules (the same path as `bridge check`). */
  readonly load: () => Promise<LoadOutcome<T>>;
  readonly holder: RulesHolder<T>;
  readonly log: Logger;
  /** Quiet time after the last file event before reading; lets a save finish. */
  readonly debounceMs?: number;
  /** Called after each reload that swapped (true) or was refused (false); not when unchanged. */
  readonly onReload?: (ok: boolean) => void;
  /** Watch the file (default true); false reloads only on `reload()` (SIGHUP). */
  readonly watch?: boolean;
}

/** A running rules watcher. */
export interface RulesWatcher {
  /** Reads the file now (SIGHUP). Resolves true when the file is valid, false when refused; never rejects. */
  reload(): Promise<boolean>;
  /** Stops watching; pending debounced reloads are dropped. */
  close(): void;
}

/**
 * Kubernetes mounts a ConfigMap as symlinks into `..data` and updates it by swapping that link,
 * so the file's own name never shows up in the events.
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/volume/util/atomic_writer.go
 */
const CONFIGMAP_LINK = '..data';

/**
 * Watches the rules file and keeps the holder on the last good rules. The directory is watched,
 * not the file: editors save by writing a new file and renaming it over the old one, and a watch
 * on the old inode goes quiet after the first such save. Reloads run one at a time, so a slow read
 * of an older save can never swap in after a newer one.
 *
 * @example
 * const watcher = watchRules({ path, load, holder, log, onReload: metrics.rulesReloaded });
 * process.on('SIGHUP', () => void watcher.reload());
 */
export function watchRules<T>(opts: WatchRulesOptions<T>): RulesWatcher {
  const { path, load, holder, log, debounceMs = 200, onReload } = opts;
  const name = basename(path);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();

  const notify = (ok: boolean): void => {
    try {
      onReload?.(ok);
    } catch (err) {
      log.error({ err }, 'rules reload callback failed');
    }
  };

  async function attempt(): Promise<boolean> {
    let result: LoadOutcome<T>;
    try {
      result = await load();
    } catch (err) {
      result = { ok: false, errors: [errorMessage(err)] };
    }
    if (!result.ok) {
      holder.recordError(result.errors);
      log.error({ file: path, errors: result.errors }, 'rules reload refused');
      notify(false);
      return false;
    }
    const previous = holder.current().version;
    if (result.version === previous) {
      holder.recordUnchanged();
      log.debug({ file: path, version: previous }, 'rules unchanged');
      return true;
    }
    holder.swap(result.value, result.version);
    log.info({ file: path, version: result.version, previous }, 'rules reloaded');
    for (const warning of result.warnings ?? []) log.warn({ file: path, warning }, 'rules warning');
    notify(true);
    return true;
  }

  async function attemptSafely(): Promise<boolean> {
    try {
      return await attempt();
    } catch (err) {
      log.error({ err, file: path }, 'rules reload failed');
      return false;
    }
  }

  function reload(): Promise<boolean> {
    const run = queue.then(attemptSafely);
    queue = run;
    return run;
  }

  function schedule(): void {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void reload();
    }, debounceMs);
    timer.unref();
  }

  function startWatching(): FSWatcher | undefined {
    try {
      // persistent: false so the watcher alone never keeps the process from exiting on shutdown.
      const w = watch(dirname(path), { persistent: false }, (_event, filename) => {
        if (filename === null || filename === name || filename === CONFIGMAP_LINK) schedule();
      });
      w.on('error', (err) => log.error({ err, file: path }, 'rules watcher failed; SIGHUP still reloads'));
      return w;
    } catch (err) {
      log.error({ err, file: path }, 'rules watcher failed; SIGHUP still reloads');
      return undefined;
    }
  }
  const watcher = opts.watch === false ? undefined : startWatching();

  return {
    reload,
    close() {
      closed = true;
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
