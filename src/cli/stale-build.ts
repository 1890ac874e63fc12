import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Files under `srcDir` edited after the last build (the mtime of `stampFile`, which `npm run build`
 * writes after tsc and the bundle). Empty when there is no src/ beside dist/ (an installed package)
 * or no stamp (dist/ built some other way): nothing to compare. Asynchronous, so `bridge` starts
 * its command while the few hundred stats run.
 */
export async function newerSources(srcDir: string, stampFile: string): Promise<string[]> {
  let built: number;
  let entries;
  try {
    built = (await stat(stampFile)).mtimeMs;
    entries = await readdir(srcDir, { recursive: true, withFileTypes: true });
  } catch {
    return [];
  }
  const files = entries.filter((f) => f.isFile() && f.name.endsWith('.ts')).map((f) => join(f.parentPath, f.name));
  const mtimes = await Promise.all(files.map((file) => stat(file).then((s) => s.mtimeMs, () => 0)));
  return files.filter((_, i) => (mtimes[i] ?? 0) > built).sort();
}

/** The warning `bridge` prints when dist/ is older than the sources it was built from, or undefined. */
export async function staleBuildWarning(srcDir: string, stampFile: string): Promise<string | undefined> {
  const newer = await newerSources(srcDir, stampFile);
  if (newer.length === 0) return undefined;
  const shown = newer.slice(0, 3).join(', ') + (newer.length > 3 ? ` and ${newer.length - 3} more` : '');
  return `bridge: warning: dist/ is older than ${shown}; this runs the last build. Run \`npm run build\` (or \`npm run dev\` to run the sources).\n`;
}
