import type { CliIo } from './cli-io.js';
import { UsageError } from './cli-io.js';

/** A request to a running bridge's console API failed; `message` is the line the CLI prints. */
export class BridgeApiError extends Error {}

export interface ConsoleClient {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
}

/** How long the CLI waits for the bridge's answer. */
const TIMEOUT_MS = 30_000;

/** `--url http://host:port` (a trailing `/` or `/console` is fine) as the console API's base. */
export function consoleApiBase(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--url must be the bridge's address, like http://127.0.0.1:3000, got "${url}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`--url must be an http or https address, got "${url}"`);
  if (u.username !== '' || u.password !== '') throw new UsageError('--url must not hold credentials: put the token in CONSOLE_TOKEN');
  return `${u.origin}${u.pathname.replace(/\/+$/, '').replace(/\/console$/, '')}/console/api`;
}

function unreachable(base: string, err: unknown): BridgeApiError {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const why = (err as Error).name === 'TimeoutError' ? `no answer in ${TIMEOUT_MS / 1000} s` : (cause?.code ?? cause?.message ?? (err as Error).message);
  return new BridgeApiError(`cannot reach the bridge at ${base.replace(/\/console\/api$/, '')} (${why}): is it running, and is this its address?`);
}

/**
 * The console's JSON API as the operator commands use it with `--url`: the bearer token comes from
 * CONSOLE_TOKEN in the environment, never from a flag (a flag's value lands in shell history and
 * in `ps`). Each failure is one clear sentence: no token, a refused token, no console, unreachable.
 */
export function consoleClient(url: string, io: CliIo): ConsoleClient {
  const base = consoleApiBase(url);
  const token = io.env.CONSOLE_TOKEN;
  if (token === undefined || token === '') {
    throw new BridgeApiError("--url needs the console's bearer token in the environment: CONSOLE_TOKEN=… (the bridge's own CONSOLE_TOKEN; it is not taken as a flag, so it stays out of shell history)");
  }
  const call = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      throw unreachable(base, err);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (res.ok && json !== undefined) return json as T;
    const where = base.replace(/\/console\/api$/, '');
    if (res.status === 401) throw new BridgeApiError(`the bridge at ${where} refused the token in CONSOLE_TOKEN (401): it must be the bridge's CONSOLE_TOKEN`);
    const apiError = (json as { error?: { message?: string } } | undefined)?.error?.message;
    // The CLI asks only routes every console has: a 404 means the console is off (or older than this CLI).
    if (res.status === 404) throw new BridgeApiError(`the bridge at ${where} has no console API (404): start it with CONSOLE_TOKEN set`);
    throw new BridgeApiError(`the bridge at ${where} answered ${res.status}${apiError === undefined ? '' : `: ${apiError}`}`);
  };
  io.stderr(`asking the bridge at ${base.replace(/\/console\/api$/, '')}\n`);
  return { get: (path) => call('GET', path), post: (path, body) => call('POST', path, body) };
}
