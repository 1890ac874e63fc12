import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: children run `src/cli/bridge.ts` from here so `--import tsx` resolves. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface BridgeProcess {
  readonly pid: number;
  readonly url: string;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<Exit>;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

export interface BridgeProcessOptions {
  /** The bridge's whole environment (PORT and HOST are set from `port`); PATH is added. */
  readonly env: Readonly<Record<string, string>>;
  readonly port: number;
  /** Every chunk of the child's stdout and stderr, tagged (keep it to print on failure). */
  readonly onOutput?: (text: string) => void;
  /** Give up waiting for /healthz after this long (default 20 s: two cores, tsx compiles on start). */
  readonly readyTimeoutMs?: number;
  /** Node flags before the script (e.g. `--cpu-prof`). */
  readonly nodeArgs?: readonly string[];
  /** Run the child in a process group of its own, and signal the whole group (`kill -9 -<pgid>`). */
  readonly group?: boolean;
  /**
   * What runs: the current sources through tsx (default), or `bin/bridge.js`, the built bundle
   * (dist/bundle/) that `npx bridge` and `npm start` run.
   */
  readonly entry?: 'sources' | 'bundle';
}

/**
 * Runs the real bridge (`bridge serve`, current sources through tsx unless `entry` is 'bundle') as
 * a child process and resolves once it answers /healthz. Rejects, with the child killed, if it
 * exits or is not ready in time.
 */
export async function spawnBridge(opts: BridgeProcessOptions): Promise<BridgeProcess> {
  const url = `http://127.0.0.1:${opts.port}`;
  const script = opts.entry === 'bundle' ? ['bin/bridge.js'] : ['--import', 'tsx', 'src/cli/bridge.ts'];
  const child: ChildProcess = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...script, 'serve'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...opts.env, PORT: String(opts.port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.group === true,
  });
  const tag = `[bridge ${child.pid ?? '?'}]`;
  child.stdout?.on('data', (b: Buffer) => opts.onOutput?.(`${tag} ${b.toString('utf8')}`));
  child.stderr?.on('data', (b: Buffer) => opts.onOutput?.(`${tag} ${b.toString('utf8')}`));
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      opts.onOutput?.(`${tag} exited: code ${String(code)}, signal ${String(signal)}\n`);
      resolve({ code, signal });
    });
  });
  let done = false;
  void exited.then(() => (done = true));

  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> => {
    if (!done && opts.group === true && child.pid !== undefined) process.kill(-child.pid, signal);
    else if (!done) child.kill(signal);
    return exited;
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 20_000);
  for (;;) {
    if (done) throw new Error(`${tag} exited before it was ready (see its output)`);
    try {
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop('SIGKILL');
      throw new Error(`${tag} not ready within ${opts.readyTimeoutMs ?? 20_000} ms`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { pid: child.pid ?? -1, url, exited, stop };
}
