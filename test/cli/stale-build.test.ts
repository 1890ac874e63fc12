import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newerSources, staleBuildWarning } from '../../src/cli/stale-build.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A checkout: src/ files and dist/.build-stamp with the given mtimes (seconds since the epoch). */
function checkout(files: Record<string, number>, stamp: number | undefined): { src: string; stamp: string } {
  const root = mkdtempSync(join(tmpdir(), 'stale-build-'));
  dirs.push(root);
  for (const [name, mtime] of Object.entries(files)) {
    const file = join(root, 'src', name);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, '');
    utimesSync(file, mtime, mtime);
  }
  mkdirSync(join(root, 'dist'));
  const stampFile = join(root, 'dist', '.build-stamp');
  if (stamp !== undefined) {
    writeFileSync(stampFile, '');
    utimesSync(stampFile, stamp, stamp);
  }
  return { src: join(root, 'src'), stamp: stampFile };
}

describe('newerSources', () => {
  it.each<{ case: string; files: Record<string, number>; stamp: number | undefined; newer: string[] }>([
    { case: 'nothing edited since the build', files: { 'a.ts': 100, 'cli/b.ts': 150 }, stamp: 200, newer: [] },
    { case: 'a nested file edited after the build', files: { 'a.ts': 100, 'cli/b.ts': 300 }, stamp: 200, newer: ['cli/b.ts'] },
    { case: 'every edited .ts file, sorted', files: { 'z.ts': 300, 'a.ts': 250, 'notes.md': 400 }, stamp: 200, newer: ['a.ts', 'z.ts'] },
    { case: 'no stamp (built without npm run build)', files: { 'a.ts': 300 }, stamp: undefined, newer: [] },
  ])('$case', ({ files, stamp, newer }) => {
    const c = checkout(files, stamp);
    expect(newerSources(c.src, c.stamp)).toEqual(newer.map((f) => join(c.src, f)));
  });

  it('finds nothing without a src/ folder (an installed package)', () => {
    const c = checkout({}, 200);
    expect(newerSources(join(c.src, 'missing'), c.stamp)).toEqual([]);
  });
});

describe('staleBuildWarning', () => {
  it('names the edited files and both ways out', () => {
    const c = checkout({ 'a.ts': 300, 'b.ts': 300, 'c.ts': 300, 'd.ts': 300, 'e.ts': 100 }, 200);
    expect(staleBuildWarning(c.src, c.stamp)).toBe(
      `bridge: warning: dist/ is older than ${join(c.src, 'a.ts')}, ${join(c.src, 'b.ts')}, ${join(c.src, 'c.ts')} and 1 more; this runs the last build. Run \`npm run build\` (or \`npm run dev\` to run the sources).\n`,
    );
  });

  it('says nothing when dist/ is current', () => {
    const c = checkout({ 'a.ts': 100 }, 200);
    expect(staleBuildWarning(c.src, c.stamp)).toBeUndefined();
  });
});
