// `npm run build`, second step: bundles what tsc wrote into dist/bundle/, which bin/bridge.js and
// `npm start` run. dist/bundle/bridge.js is the `bridge` executable (dist/cli/bridge.js and main.js:
// the command table); each command is a CommonJS bundle of its own (check-command.cjs, ...), loaded
// on demand with V8's code cache (src/cli/require-with-code-cache.ts), so `bridge check` compiles
// and runs only what check needs, and compiles it from the cache: Node 20 would otherwise compile
// ~1 MB of code on every start, and resolve a few hundred small files unbundled. Then it runs
// `check` and `serve` once to write their code caches (the other commands write theirs on first
// use), and writes dist/.build-stamp, which the stale-build warning compares src/ against.
import { build } from 'esbuild';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';

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
 * express.raw and express.json decode no charset on the bridge's routes), mime-types (a 230 KB
 * database indexed at import; used only to name a content type) and pino's transport (worker
 * threads that load their own files by path: the bridge logs to stdout without one). Each is
 * reached the way Node would from the package that requires it (a chain from a direct dependency).
 */
const LATE = {
  'iconv-lite': { chain: ['express', 'body-parser', 'iconv-lite'] },
  'mime-types': { chain: ['express', 'mime-types'] },
  'pino-transport': { chain: ['pino', './lib/transport.js'], callable: true },
};
const PINO_TRANSPORT = /[\\/]node_modules[\\/]pino[\\/]lib[\\/]transport\.js$/;
const loadLate = {
  name: 'load-late',
  setup(b) {
    b.onResolve({ filter: /^(iconv-lite|mime-types)$/ }, (args) => ({ path: args.path, namespace: 'load-late' }));
    b.onResolve({ filter: /transport$/ }, (args) =>
      /[\\/]node_modules[\\/]pino([\\/]lib)?$/.test(args.resolveDir) && PINO_TRANSPORT.test(join(args.resolveDir, `${args.path}.js`)) ? { path: 'pino-transport', namespace: 'load-late' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'load-late' }, (args) => ({
      loader: 'js',
      contents: `const { createRequire } = require('node:module');
const chain = ${JSON.stringify(LATE[args.path].chain)};
let real;
const load = () => (real ??= chain.slice(0, -1).reduce((req, name) => createRequire(req.resolve(name)), require)(chain[chain.length - 1]));
module.exports = new Proxy(${LATE[args.path].callable ? 'function () {}' : '{}'}, { get: (_, key) => load()[key], has: (_, key) => key in load()${LATE[args.path].callable ? ', apply: (_, self, args) => Reflect.apply(load(), self, args), construct: (_, args) => Reflect.construct(load(), args)' : ''} });
`,
    }));
  },
};

/**
 * main.js's `import('./check-command.js')` (and each other command's) becomes a require of the
 * command's own bundle through the code cache; the command's `cli-io.js` is main's (one UsageError
 * class, which main tells usage errors by).
 */
const commands = new Set();
const CLI_IO = join(root, 'dist/cli/cli-io.js');
const LOADER = join(root, 'dist/cli/require-with-code-cache.js');
const commandsThroughCache = {
  name: 'commands-through-code-cache',
  setup(b) {
    b.onResolve({ filter: /^\.\/[\w-]+-command\.js$/ }, (args) => {
      if (args.kind !== 'dynamic-import' || !args.importer.endsWith(join('dist', 'cli', 'main.js'))) return undefined;
      const name = args.path.slice(2, -3);
      commands.add(name);
      return { path: name, namespace: 'cached-command' };
    });
    b.onLoad({ filter: /.*/, namespace: 'cached-command' }, (args) => ({
      loader: 'js',
      resolveDir: root,
      contents: `const { requireWithCodeCache } = require(${JSON.stringify(LOADER)});
module.exports = requireWithCodeCache(require('node:path').join(__dirname, ${JSON.stringify(`${args.path}.cjs`)}), { provided: { 'bridge:cli-io': require(${JSON.stringify(CLI_IO)}) } }).exports;
`,
    }));
  },
};
/**
 * A module that loads a dependency on first use writes `const require = createRequire(import.meta.url);`
 * (src/re2.ts): unbundled, Node resolves it from node_modules. In the bundle that line goes, so its
 * `require('...')` calls are esbuild's own: bundled and code-cached, yet run only when called.
 */
const REQUIRE_LINE = 'const require = createRequire(import.meta.url);\n';
const bundledLazyRequires = {
  name: 'bundled-lazy-requires',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      return text.includes(REQUIRE_LINE) ? { contents: text.replace(REQUIRE_LINE, ''), loader: 'js' } : undefined;
    });
  },
};
const sharedCliIo = {
  name: 'shared-cli-io',
  setup(b) {
    b.onResolve({ filter: /cli-io\.js$/ }, (args) => (join(args.resolveDir, args.path) === CLI_IO ? { path: 'bridge:cli-io', external: true } : undefined));
  },
};

const common = {
  absWorkingDir: root,
  outdir,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // Native (better-sqlite3) or lazily loaded vendor SDKs and pg (loaded only with DATABASE_URL; its
  // optional pg-native is not installed) stay in node_modules and load as they do unbundled.
  external: ['better-sqlite3', 'discord.js', '@slack/*', '@hubspot/*', 'pg'],
  // import() of those becomes require(): a code-cached script has no module loader of its own.
  supported: { 'dynamic-import': false },
  // CommonJS has no import.meta; bridge.js finds src/ and dist/.build-stamp from its own URL.
  define: { 'import.meta.url': '__bridgeImportMetaUrl' },
  banner: { js: "var __bridgeImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
  // Every start reads, hashes and decodes the whole bundle (require-with-code-cache.ts): a third
  // less text without whitespace and with folded syntax. Names stay (stack traces, error types).
  minifyWhitespace: true,
  minifySyntax: true,
};

rmSync(outdir, { recursive: true, force: true });
await build({ ...common, entryPoints: ['dist/cli/bridge.js'], plugins: [commandsThroughCache] });
await build({
  ...common,
  entryPoints: [...commands].map((name) => `dist/cli/${name}.js`),
  outExtension: { '.js': '.cjs' },
  plugins: [zodEnglishOnly, loadLate, sharedCliIo, bundledLazyRequires],
});
// bridge.js is CommonJS, in a package whose other .js files are ES modules.
writeFileSync(join(outdir, 'package.json'), '{ "type": "commonjs" }\n');

/** A port nothing listens on (for the one serve run below). */
const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer().once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const healthy = (port) =>
  new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode === 200));
    });
    req.once('error', () => resolve(false));
    req.end();
  });

/**
 * Runs `check` and `serve` on the bundled rules once, so their code caches exist before the first
 * real start: in an empty folder (no .env) with only PATH set, so every destination runs dry and
 * nothing is sent whatever credentials the build's environment holds. A failure here costs only the
 * cache (the first real run writes it), never the build.
 */
async function writeCodeCaches() {
  const scratch = mkdtempSync(join(tmpdir(), 'bridge-code-cache-'));
  const bridge = join(outdir, 'bridge.js');
  const rules = join(root, 'rules.yaml');
  const env = { PATH: process.env.PATH ?? '' };
  try {
    execFileSync(process.execPath, [bridge, 'check', '--rules', rules], { cwd: scratch, env, stdio: 'ignore' });
    const port = await freePort();
    const child = spawn(process.execPath, [bridge, 'serve'], { cwd: scratch, env: { ...env, PORT: String(port), HOST: '127.0.0.1', RULES_FILE: rules, DATA_DIR: join(scratch, 'data') }, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const started = Date.now();
    let up = false;
    while (!up && child.exitCode === null && Date.now() - started < 30_000) {
      up = await healthy(port);
      if (!up) await sleep(20);
    }
    child.kill('SIGTERM');
    await exited;
    if (!up) throw new Error('serve did not answer /healthz');
  } catch (err) {
    process.stderr.write(`bundle: no code cache written for check/serve (${err.message}); their first run writes it\n`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
await writeCodeCaches();
writeFileSync(join(root, 'dist/.build-stamp'), '');
