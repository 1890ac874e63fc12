import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { cacheHeader, requireWithCodeCache, type CodeCacheOptions } from '../../src/cli/require-with-code-cache.js';
import { tempDir } from '../store/temp-store.js';

/** A CommonJS module that uses a provided module, a built-in and its own file name. */
const moduleText = (value: string): string => `const shared = require('shared:thing');
const { basename } = require('node:path');
exports.value = ${JSON.stringify(value)};
exports.shared = shared;
exports.name = basename(__filename);
`;

function setup(): { file: string; load: (opts?: CodeCacheOptions) => ReturnType<typeof requireWithCodeCache> & { writes: number } } {
  const { dir, cleanup } = tempDir();
  onTestFinished(cleanup);
  const file = join(dir, 'mod.cjs');
  const thing = { one: 1 };
  return {
    file,
    load: (opts = {}) => {
      let writes = 0;
      const loaded = requireWithCodeCache(file, { provided: { 'shared:thing': thing }, onExit: (write) => (writes++, write()), ...opts });
      return { ...loaded, writes };
    },
  };
}

describe('requireWithCodeCache', () => {
  it('runs the module as require would, writes its cache at exit, then compiles from it', () => {
    const { file, load } = setup();
    writeFileSync(file, moduleText('first'));
    const first = load();
    expect(first.exports).toEqual({ value: 'first', shared: { one: 1 }, name: 'mod.cjs' });
    expect([first.cache, first.writes, existsSync(`${file}.cache`)]).toEqual(['missing', 1, true]);
    const second = load();
    expect([second.cache, second.writes, (second.exports as { value: string }).value]).toEqual(['used', 0, 'first']);
  });

  it('runs the new source, not the cached code, after an edit of the same length', () => {
    const { file, load } = setup();
    writeFileSync(file, moduleText('aaaaa'));
    load();
    writeFileSync(file, moduleText('bbbbb'));
    const edited = load();
    expect([edited.cache, (edited.exports as { value: string }).value, edited.writes]).toEqual(['stale', 'bbbbb', 1]);
    expect(load().cache).toBe('used');
  });

  it('falls back to compiling when V8 refuses the cache (made for other code)', () => {
    const { file, load } = setup();
    writeFileSync(file, moduleText('short'));
    load();
    const header = cacheHeader(readFileSync(file));
    const otherCode = readFileSync(`${file}.cache`).subarray(header.length);
    // Never compiled in this process (V8 would take it from memory, not from the cache).
    const source = moduleText('a longer value');
    writeFileSync(file, source);
    writeFileSync(`${file}.cache`, Buffer.concat([cacheHeader(Buffer.from(source)), otherCode]));
    const refused = load();
    expect([refused.cache, (refused.exports as { value: string }).value, refused.writes]).toEqual(['rejected', 'a longer value', 1]);
  });

  it('runs without a cache where it cannot write one', () => {
    const { file, load } = setup();
    writeFileSync(file, moduleText('x'));
    const loaded = load({ cacheFile: join(file, '..', 'missing-folder', 'mod.cjs.cache') });
    expect([loaded.cache, loaded.writes, (loaded.exports as { value: string }).value]).toEqual(['missing', 1, 'x']);
  });

  it('writes nothing when told not to', () => {
    const { file, load } = setup();
    writeFileSync(file, moduleText('x'));
    expect(load({ writeOnExit: false }).writes).toBe(0);
    expect(existsSync(`${file}.cache`)).toBe(false);
  });
});
