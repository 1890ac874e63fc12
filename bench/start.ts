/**
 * `npm run bench:start`: how long the bridge takes to start, against baselines measured in the
 * same run, interleaved round by round so machine noise lands on all of them alike:
 *
 * - `bridge check` on the bundled rules.yaml, process spawn to exit, against `node -e 0`
 *   (goal: <= 3x);
 * - `bridge serve` with the bundled rules, spawn to the first 200 from GET /healthz, against an
 *   Express hello world measured the same way (goal: <= 1.5x).
 *
 * Both run the bundle (dist/bundle/, built first, as `npm install` does), which `npm start` and
 * `npx bridge` run; the same commands through tsc's unbundled dist/cli/ are measured in the same
 * rounds so the bundle's gain shows. Each serve run reuses one data dir per entry (the first,
 * unmeasured warm-up run creates the store), so the figure is a restart. BENCH_RUNS (default 9) is
 * the number of measured rounds; the figures are medians.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/e2e/free-port.js';
import { buildBridge, REPO_ROOT, UNBUNDLED_BRIDGE } from './spawn-server.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
/** How often the not-yet-listening server is asked; small against the figures, light on a 2-core machine. */
const POLL_MS = 5;

// The same shape as bench/servers/express-hello.ts, as plain JavaScript so no TypeScript loader is timed.
const EXPRESS_HELLO = `import express from 'express';
const app = express();
app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
app.listen(Number(process.env.PORT), '127.0.0.1');`;

const baseEnv = (): Record<string, string> => ({ PATH: process.env.PATH ?? '' });

/** Milliseconds from spawning `node args` to its exit (which must be code 0). */
async function timeToExit(args: readonly string[], env: Record<string, string>): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited ${code}:\n${err}`);
  return ms;
}

const healthz = (port: number): Promise<number> =>
  new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', () => resolve(0));
    req.end();
  });

/** Milliseconds from spawning `node args` to the first 200 from GET /healthz; then stops it. */
async function timeToHealthy(args: readonly string[], env: Record<string, string>): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err = (err + b.toString('utf8')).slice(-8000)));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exit.then(() => (exited = true));
  try {
    for (;;) {
      if (exited) throw new Error(`node ${args.join(' ')} exited before it was healthy:\n${err}`);
      if ((await healthz(port)) === 200) return performance.now() - started;
      if (performance.now() - started > 30_000) throw new Error(`node ${args.join(' ')} not healthy within 30 s:\n${err}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exit;
    clearTimeout(timer);
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

async function main(): Promise<number> {
  const bridge = buildBridge();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-start-'));
  try {
    const serveEnv = (dir: string) => ({ ...baseEnv(), DATA_DIR: join(dataDir, dir), RULES_FILE: 'rules.yaml', HOST: '127.0.0.1' });
    const cases = {
      'node -e 0': () => timeToExit(['-e', '0'], baseEnv()),
      'bridge check': () => timeToExit([bridge, 'check'], baseEnv()),
      'bridge check, unbundled': () => timeToExit([UNBUNDLED_BRIDGE, 'check'], baseEnv()),
      'express hello world': () => timeToHealthy(['--input-type=module', '-e', EXPRESS_HELLO], baseEnv()),
      'bridge serve': () => timeToHealthy([bridge, 'serve'], serveEnv('bundle')),
      'bridge serve, unbundled': () => timeToHealthy([UNBUNDLED_BRIDGE, 'serve'], serveEnv('unbundled')),
    };
    const times = new Map<string, number[]>(Object.keys(cases).map((k) => [k, []]));
    for (const run of Object.values(cases)) await run(); // warm-up: file cache, the store's first migration
    for (let round = 0; round < RUNS; round++) {
      for (const [name, run] of Object.entries(cases)) times.get(name)?.push(await run());
    }
    const m = (name: string) => median(times.get(name) ?? []);
    const width = Math.max(...Object.keys(cases).map((k) => k.length));
    console.log(`start-up, median of ${RUNS} runs (ms; every run: ${POLL_MS} ms /healthz polling for servers)`);
    for (const name of Object.keys(cases)) {
      const all = (times.get(name) ?? []).map((t) => t.toFixed(0)).join(' ');
      console.log(`  ${name.padEnd(width)}  ${m(name).toFixed(0).padStart(6)} ms   [${all}]`);
    }
    const checkRatio = m('bridge check') / m('node -e 0');
    const serveRatio = m('bridge serve') / m('express hello world');
    const ratio = (a: string, b: string) => (m(a) / m(b)).toFixed(2);
    console.log(`bridge check / node -e 0:            ${checkRatio.toFixed(2)}x (goal <= 3x; unbundled ${ratio('bridge check, unbundled', 'node -e 0')}x)`);
    console.log(`bridge serve / express hello world:  ${serveRatio.toFixed(2)}x (goal <= 1.5x; unbundled ${ratio('bridge serve, unbundled', 'express hello world')}x)`);
    return 0;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
