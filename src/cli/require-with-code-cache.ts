import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';

/** How a cache file starts: this tag, then the sha256 of the source it was made from. */
const TAG = 'returning-bridge code cache 1\n';

export interface CodeCacheOptions {
  /** Where V8's compiled code for `file` is kept (default `<file>.cache`). */
  readonly cacheFile?: string;
  /** Modules `file` requires by name that are not files: shared with whoever loads it (one class, one instance). */
  readonly provided?: Readonly<Record<string, unknown>>;
  /** Called once the process exits, if the cache was missing, stale or refused: writes a new one (default true). */
  readonly writeOnExit?: boolean;
  /** Where to register the exit hook (default `process`; tests pass their own). */
  readonly onExit?: (write: () => void) => void;
}

export interface CodeCacheLoad {
  readonly exports: unknown;
  /** used: V8 took the cache; missing/stale (the source changed since)/rejected (another Node version or V8 flags). */
  readonly cache: 'used' | 'missing' | 'stale' | 'rejected';
  /** Writes the cache of everything compiled so far (what V8 compiled lazily as it ran, too). */
  writeCache(): void;
}

/** What a cache file made from `source` starts with. */
export const cacheHeader = (source: Buffer): Buffer => Buffer.from(`${TAG}${createHash('sha256').update(source).digest('hex')}\n`, 'latin1');

/** The cache's V8 data when it was made from exactly this source, else why not. */
function readCache(cacheFile: string, header: Buffer): Buffer | 'missing' | 'stale' {
  let data: Buffer;
  try {
    data = readFileSync(cacheFile);
  } catch {
    return 'missing';
  }
  // V8 checks its version and flags, but of the source only its length: a same-length edit would
  // run the old code. Hence our own hash of the source in front of V8's data.
  return data.subarray(0, header.length).equals(header) ? data.subarray(header.length) : 'stale';
}

/**
 * Runs a CommonJS file as `require` would, but compiled with V8's code cache: Node 20 compiles every
 * module from source on every start (no module.enableCompileCache before Node 22), which is most of
 * `bridge check`'s time for the ~1 MB of bundled zod, yaml and rules code. A missing, stale or
 * refused cache only costs the compile it would have saved, and is rewritten when the process exits
 * (atomically; silently not where the folder is read-only).
 */
export function requireWithCodeCache(file: string, opts: CodeCacheOptions = {}): CodeCacheLoad {
  const cacheFile = opts.cacheFile ?? `${file}.cache`;
  const buffer = readFileSync(file);
  const header = cacheHeader(buffer);
  const cached = readCache(cacheFile, header);
  // The same wrapper Node puts around a CommonJS module.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${buffer.toString('utf8')}\n})`, {
    filename: file,
    ...(typeof cached !== 'string' && { cachedData: cached }),
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const cache = typeof cached === 'string' ? cached : script.cachedDataRejected === true ? 'rejected' : 'used';
  const real = createRequire(file);
  const provided = opts.provided ?? {};
  const require = Object.assign((id: string): unknown => (Object.hasOwn(provided, id) ? provided[id] : real(id)), { resolve: real.resolve, cache: real.cache, main: real.main, extensions: real.extensions });
  const module = { exports: {} as unknown, filename: file, id: file, loaded: false, children: [], paths: [] };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, require, module, file, dirname(file));
  module.loaded = true;
  const writeCache = (): void => {
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, Buffer.concat([header, script.createCachedData()]));
      renameSync(tmp, cacheFile);
    } catch {
      // A read-only install (a container's image, a shared folder): run without the cache.
      rmSync(tmp, { force: true });
    }
  };
  if (cache !== 'used' && opts.writeOnExit !== false) (opts.onExit ?? ((write) => process.once('exit', write)))(writeCache);
  return { exports: module.exports, cache, writeCache };
}
