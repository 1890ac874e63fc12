import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface ServerProcess {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  /** The last few KB the process wrote to stderr (its stdout goes to /dev/null: logs would load the generator). */
  stderr(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ServerProcess>();

/** Stops every server still running (for `finally` blocks and signal handlers). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop()));
}

/**
 * Starts `node [nodeArgs] <script> [args]` (with `--import tsx` for a .ts script) in the repository root and resolves once
 * GET <url>/healthz answers 200. Each server gets its own process, so its event loop is not the
 * load generator's.
 */
export async function spawnServer(opts: {
  readonly name: string;
  readonly script: string;
  readonly port: number;
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly nodeArgs?: readonly string[];
  readonly readyTimeoutMs?: number;
}): Promise<ServerProcess> {
  const loader = opts.script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...loader, opts.script, ...(opts.args ?? [])], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...opts.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (b: Buffer) => {
    err = (err + b.toString('utf8')).slice(-8000);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exit.then(() => (exited = true));
  const url = `http://127.0.0.1:${opts.port}`;
  const server: ServerProcess = {
    name: opts.name,
    url,
    pid: child.pid ?? -1,
    stderr: () => err,
    async stop(graceMs = 5000) {
      running.delete(server);
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
  running.add(server);
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (exited) throw new Error(`${opts.name} exited before it was ready:\n${err}`);
    try {
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      if (res.status === 200) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop(0);
      throw new Error(`${opts.name} not ready within ${opts.readyTimeoutMs ?? 30_000} ms:\n${err}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What `npm start` and `npx bridge` run: the esbuild bundle of dist/ (scripts/bundle.mjs). */
export const BUNDLED_BRIDGE = 'dist/bundle/bridge.js';
/** What tsc writes, one file per module (bench:start prints it beside the bundle). */
export const UNBUNDLED_BRIDGE = 'dist/cli/bridge.js';

/**
 * Builds dist/ and its bundle (as `npm install` does) so the bridge is measured as it runs in
 * production, compiled and bundled, not through tsx. Returns the script to spawn.
 */
export function buildBridge(): string {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, stdio: 'inherit' });
  return BUNDLED_BRIDGE;
}
