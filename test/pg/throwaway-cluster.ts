import { execFile, execFileSync } from 'node:child_process';
import { chownSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../e2e/free-port.js';

const run = promisify(execFile);

/** A PostgreSQL cluster of this test run's own, on 127.0.0.1. */
export interface ThrowawayCluster {
  /** The superuser's URL (trust auth, database `postgres`). */
  readonly url: string;
  readonly dir: string;
  /** Postmaster pid, as postmaster.pid names it. */
  readonly pid: number;
  /** Stops the server (killing it by pid if pg_ctl cannot) and removes its directory. */
  stop(): Promise<void>;
}

/** Debian's (or PG_BIN's) initdb/pg_ctl folder: the newest /usr/lib/postgresql/N/bin, else PATH. */
export function postgresBinDir(): string | undefined {
  if (process.env['PG_BIN'] !== undefined) return process.env['PG_BIN'];
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

/** initdb refuses to run as root, so as root the cluster belongs to Debian's `postgres` user. */
const asRoot = process.getuid?.() === 0;
const OWNER = asRoot ? 'postgres' : userInfo().username;

async function runPg(bin: string, tool: string, args: readonly string[]): Promise<string> {
  const file = join(bin, tool);
  const { stdout } = asRoot ? await run('runuser', ['-u', OWNER, '--', file, ...args]) : await run(file, [...args]);
  return stdout;
}

function chownToOwner(path: string): void {
  if (!asRoot) return;
  let uid: number;
  try {
    uid = Number(execFileSync('id', ['-u', OWNER], { encoding: 'utf8' }).trim());
  } catch {
    throw new Error(`no ${OWNER} user: install Debian's postgresql (apt-get install postgresql)`);
  }
  chownSync(path, uid, -1);
}

/**
 * An initdb'ed data directory kept under the OS temp dir, one per PostgreSQL version: initdb takes
 * 1-5 s on a busy 2-core machine, a copy of its 40 MB result ~0.3 s. Made in a side folder and
 * renamed into place, so a run that dies half-way leaves no half-made template.
 */
async function template(bin: string): Promise<string> {
  const dir = join(tmpdir(), `returning-bridge-pg-template-${bin.replace(/[^A-Za-z0-9]+/g, '_')}-${OWNER}`);
  if (existsSync(join(dir, 'PG_VERSION'))) return dir;
  const work = mkdtempSync(`${dir}.tmp-`);
  chownToOwner(work);
  // -N: initdb's own fsync of the files it writes (a throwaway copy); the server keeps fsync=on.
  await runPg(bin, 'initdb', ['-D', join(work, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '-N']);
  try {
    renameSync(join(work, 'data'), dir);
  } catch (err) {
    // Another run made it first: use theirs.
    if (!existsSync(join(dir, 'PG_VERSION'))) throw err;
  }
  rmSync(work, { recursive: true, force: true });
  return dir;
}

/**
 * Starts a fresh cluster: a copy of the template under a new temp dir, `pg_ctl start` on
 * 127.0.0.1 and a free port, its socket in that dir. Server settings are PostgreSQL's defaults
 * (fsync, synchronous_commit on) except the connection limit, raised for multi-process tests.
 */
export async function startThrowawayCluster(): Promise<ThrowawayCluster> {
  const bin = postgresBinDir();
  if (bin === undefined) throw new Error('PostgreSQL is not installed: apt-get install postgresql (or set PG_BIN, or TEST_DATABASE_URL)');
  const source = await template(bin);
  const dir = mkdtempSync(join(tmpdir(), 'returning-bridge-pg-'));
  chownToOwner(dir);
  const data = join(dir, 'data');
  await run('cp', ['-a', source, data]).catch(() => cpSync(source, data, { recursive: true }));
  let lastError: unknown;
  // The port was free a moment ago; another process may take it first, so try a few.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c max_connections=300`;
    try {
      await runPg(bin, 'pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', options, 'start']);
    } catch (err) {
      lastError = err;
      continue;
    }
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, dir, pid, stop: () => stopCluster(bin, dir, pid) };
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`cannot start PostgreSQL: ${String(lastError)}`);
}

async function stopCluster(bin: string, dir: string, pid: number): Promise<void> {
  try {
    await runPg(bin, 'pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', '-w', '-t', '10', 'stop']);
  } catch {
    // pg_ctl could not stop it: end the postmaster by its pid (its children follow it).
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
