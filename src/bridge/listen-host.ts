const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export type ListenHost = { ok: true; host: string; warning?: string } | { ok: false; error: string };

/**
 * Where to listen. Without authentication the bridge is only safe on loopback (anyone who can reach
 * it could post events), so it stays there unless the operator explicitly allows otherwise.
 */
export function listenHost(opts: { host: string | undefined; authConfigured: boolean; allowUnauthenticated: boolean }): ListenHost {
  if (opts.authConfigured) return { ok: true, host: opts.host ?? '0.0.0.0' };
  if (opts.host === undefined) {
    return { ok: true, host: '127.0.0.1', warning: 'no authentication configured (auth: in rules.yaml): listening on 127.0.0.1 only' };
  }
  if (LOOPBACK.has(opts.host)) return { ok: true, host: opts.host, warning: `no authentication configured (auth: in rules.yaml): listening on ${opts.host} only` };
  if (opts.allowUnauthenticated) {
    return { ok: true, host: opts.host, warning: `no authentication configured, listening on ${opts.host} because ALLOW_UNAUTHENTICATED=true: anyone who can reach it can post events` };
  }
  return { ok: false, error: `HOST=${opts.host} without authentication: configure auth: in rules.yaml, or set ALLOW_UNAUTHENTICATED=true to accept unauthenticated events from other hosts` };
}
