// `npm run build`, second step: bundles what tsc wrote (dist/cli/bridge.js and everything it imports)
// into dist/bundle/, which bin/bridge.js and `npm start` run. One file per lazily imported command
// (splitting), so `bridge check` still loads only what check needs; Node resolves a few hundred
// small files on every start otherwise. Then writes dist/.build-stamp, which the stale-build
// warning compares src/ against.
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const outdir = join(root, 'dist/bundle');

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['dist/cli/bridge.js'],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // Native (better-sqlite3), worker-thread-using (pino's transports) or lazily loaded vendor SDKs
  // stay in node_modules and load as they do unbundled.
  external: ['better-sqlite3', 'pino', 'discord.js', '@slack/*', '@hubspot/*'],
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: { js: "import { createRequire as __bridgeRequire } from 'node:module'; const require = __bridgeRequire(import.meta.url);" },
  logLevel: 'warning',
});
writeFileSync(join(root, 'dist/.build-stamp'), '');
