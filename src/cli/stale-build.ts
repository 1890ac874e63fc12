import { readdirSync, statSync } from 'node:fs';
import { sep } from 'node:path';

/**
 * Files under `srcDir` edited after the last build (the mtime of `stampFile`, which `npm run build`
 * writes after tsc and the bundle). Empty when there is no src/ beside dist/ (an installed package)
 * or no stamp (dist/ built some other way): nothing to compare. Synchronous: the few hundred stats
 * cost a quarter of the CPU the same walk through fs/promises did (its promises and thread pool
 * round trips run on the same thread as the command anyway). Names joined by hand: readdir's
 * parentPath is already normal, and path.join normalizes again for each file.
 */
export function newerSources(srcDir: string, stampFile: string): string[] {
  let built: number;
  let entries;
  try {
    built = statSync(stampFile).mtimeMs;
    entries = readdirSync(srcDir, { recursive: true, withFileTypes: true });
  } catch {
    return [];
  }
  const files = entries.filter((f) => f.isFile() && f.name.endsWith('.ts')).map((f) => `${f.parentPath}${sep}${f.name}`);
  return files.filter((file) => (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) > built).sort();
}

/** The warning `bridge` prints when dist/ is older than the sources it was built from, or undefined. */
export function staleBuildWarning(srcDir: string, stampFile: string): string | undefined {
  const newer = newerSources(srcDir, stampFile);
  if (newer.length === 0) return undefined;
  const shown = newer.slice(0, 3).join(', ') + (newer.length > 3 ? ` and ${newer.length - 3} more` : '');
  return `bridge: warning: dist/ is older than ${shown}; this runs the last build. Run \`npm run build\` (or \`npm run dev\` to run the sources).\n`;
}
