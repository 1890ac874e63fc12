import { isIPv6 } from 'node:net';

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
 * The rate-limit key of a client address. IPv6 clients usually hold a whole /64, so they are
 * limited per /64; IPv4-mapped addresses count as their IPv4 address.
 */
export function clientKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  const addr = ip.split('%')[0] ?? ip;
  if (!isIPv6(addr)) return ip;
  const halves = addr.split('::');
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length > 1 && halves[1] ? halves[1].split(':') : [];
  // An embedded IPv4 tail (::1.2.3.4) fills two groups.
  const tailGroups = tail.length + (tail.at(-1)?.includes('.') ? 1 : 0);
  const groups = halves.length > 1 ? [...head, ...Array<string>(8 - head.length - tailGroups).fill('0'), ...tail] : head;
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}
