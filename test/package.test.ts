import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * What `npm publish` would ship, packed into a temp folder and extracted. The project's
 * node_modules is linked beside it instead of installing from the registry (fast, no network);
 * `--ignore-scripts` packs the dist/ that `npm install` / `npm run build` made.
 */
let dir: string;
let pkg: string;
let files: string[];

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/bundle/bridge.js'))) throw new Error('dist/bundle/ is missing: run `npm run build` first');
  dir = mkdtempSync(join(tmpdir(), 'bridge-pack-'));
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT });
  const [packed] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  files = packed.files.map((f) => f.path);
  await run('tar', ['-xzf', join(dir, packed.filename), '-C', dir]);
  pkg = join(dir, 'package');
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'), 'dir');
}, 120_000);

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships the bundle and its build stamp, the docs, the licence and the bundled rules, not the tests, sources or unbundled build', () => {
    for (const f of ['dist/bundle/bridge.js', 'dist/.build-stamp', 'bin/bridge.js', 'README.md', 'LICENSE', 'rules.yaml', 'rules.schema.json', '.env.example', 'package.json']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => /^(test|src|bench|scripts|\.ci)\//.test(f) || (f.startsWith('dist/') && !f.startsWith('dist/bundle/') && f !== 'dist/.build-stamp') || f.endsWith('.map'))).toEqual([]);
  });

  it('names returning-bridge and bridge as executables, so `npx returning-bridge serve` finds one', () => {
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(manifest.bin).toEqual({ bridge: 'bin/bridge.js', 'returning-bridge': 'bin/bridge.js' });
  });

  it('runs `check` on its bundled rules.yaml from the extracted package', async () => {
    const r = await run(process.execPath, [join(pkg, 'bin/bridge.js'), 'check', '--rules', 'rules.yaml'], { cwd: pkg, env: { PATH: process.env['PATH'] ?? '' } });
    expect(r.stdout).toMatch(/^rules\.yaml: ok, version [0-9a-f]{12}, 3 rules, destinations: vip-alerts \(slack, dry run\)/);
    // The only complaints are the unset credentials (no "dist/ is older" warning: no src/ ships).
    expect(r.stderr.split('\n').filter((l) => l !== '' && !/^warning: destination "[a-z-]+": [A-Z_]+ is not set; it will run dry/.test(l))).toEqual([]);
  }, 60_000);
});
