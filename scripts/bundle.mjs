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

/**
 * zod's index re-exports every locale (`z.locales`, ~700 KB, most of the zod chunk) though it uses
 * only English, which it imports by itself; the bridge never calls z.locales. Only `en` stays.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({ contents: "export { default as en } from './en.js';\n", loader: 'js' }));
  },
};

/**
 * Dependencies of dependencies that serve imports at start-up but uses late or never, left out of
 * the bundle and loaded from node_modules on first use: iconv-lite (~540 KB of code tables:
 * express.raw and express.json decode no charset on the bridge's routes) and mime-types (a
 * 230 KB database indexed at import; used only to name a content type). Each is reached the way
 * Node would from the package that requires it (a chain from express, a direct dependency).
 */
const LATE = { 'iconv-lite': ['express', 'body-parser', 'iconv-lite'], 'mime-types': ['express', 'mime-types'] };
const loadLate = {
  name: 'load-late',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(${Object.keys(LATE).join('|')})$`) }, (args) => ({ path: args.path, namespace: 'load-late' }));
    b.onLoad({ filter: /.*/, namespace: 'load-late' }, (args) => ({
      loader: 'js',
      contents: `const { createRequire } = require('node:module');
const chain = ${JSON.stringify(LATE[args.path])};
let real;
const load = () => (real ??= chain.slice(0, -1).reduce((req, name) => createRequire(req.resolve(name)), require)(chain[chain.length - 1]));
module.exports = new Proxy({}, { get: (_, key) => load()[key], has: (_, key) => key in load() });
`,
    }));
  },
};

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
  // and pg (loaded only with DATABASE_URL; its optional pg-native is not installed) stay in
  // node_modules and load as they do unbundled.
  external: ['better-sqlite3', 'pino', 'discord.js', '@slack/*', '@hubspot/*', 'pg'],
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: { js: "import { createRequire as __bridgeRequire } from 'node:module'; const require = __bridgeRequire(import.meta.url);" },
  plugins: [zodEnglishOnly, loadLate],
  logLevel: 'warning',
});
writeFileSync(join(root, 'dist/.build-stamp'), '');
