import ipaddr from 'ipaddr.js';

/**
 * Fixed one-minute windows per client. Written here rather than taken from express-rate-limit
 * because its store and Retry-After read Date.now() and run a setInterval: the clock could not
 * be injected and tests would depend on wall time.
 */
export interface RateLimiter {
  take(key: string): { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };
}

const WINDOW_MS = 60_000;

/**
 * `perMinute` requests per key per clock minute. At most `maxClients` keys are tracked in a window;
 * beyond that new clients are refused until the window turns (a flood from that many addresses is
 * an attack, and memory stays bounded).
 */
export function createRateLimiter(opts: { perMinute: number; now: () => number; maxClients?: number }): RateLimiter {
  const maxClients = opts.maxClients ?? 100_000;
  const counts = new Map<string, number>();
  let windowStart = Number.NEGATIVE_INFINITY;
  return {
    take(key) {
      const t = opts.now();
      const start = t - (t % WINDOW_MS);
      if (start !== windowStart) {
        windowStart = start;
        counts.clear();
      }
      const n = counts.get(key) ?? 0;
      if (n >= opts.perMinute || (n === 0 && counts.size >= maxClients)) {
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((windowStart + WINDOW_MS - t) / 1000)) };
      }
      counts.set(key, n + 1);
      return { ok: true };
    },
  };
}

/**
 * The rate-limit key of a client address, parsed with ipaddr.js: IPv4 (also when it arrives
 * IPv4-mapped on a dual-stack socket, `::ffff:10.0.0.1`) is limited per address; IPv6 clients
 * usually hold a whole /64, so they are limited per /64. An unparseable address shares one key, so
 * made-up values cannot mint fresh buckets.
 */
export function clientKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  // Four-part decimal only: `10`, `0x0a.0.0.1` and `010.0.0.1` are valid inet_aton forms, not socket addresses.
  if (!ipaddr.IPv4.isValidFourPartDecimal(ip) && !ipaddr.IPv6.isValid(ip)) return 'invalid';
  const addr = ipaddr.process(ip);
  if (addr.kind() === 'ipv4') return addr.toString();
  const [a = 0, b = 0, c = 0, d = 0] = (addr as ipaddr.IPv6).parts;
  return `${new ipaddr.IPv6([a, b, c, d, 0, 0, 0, 0]).toString()}/64`;
}
