import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientKey, createRateLimiter } from '../../src/receive/rate-limit.js';
import { NOW_MS, post, start, visit, type Running } from './helpers.js';

describe('createRateLimiter', () => {
  it('allows perMinute requests per key per clock minute', () => {
    let now = 60_000 * 1000 + 45_500; // 45.5 s into a minute
    const limiter = createRateLimiter({ perMinute: 2, now: () => now });
    expect(limiter.take('a')).toEqual({ ok: true });
    expect(limiter.take('a')).toEqual({ ok: true });
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 15 });
    expect(limiter.take('b')).toEqual({ ok: true });
    now += 14_400; // 0.1 s left
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    now += 100;
    expect(limiter.take('a')).toEqual({ ok: true });
  });

  it('tracks at most maxClients keys per window', () => {
    const limiter = createRateLimiter({ perMinute: 5, now: () => 0, maxClients: 2 });
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('b').ok).toBe(true);
    expect(limiter.take('c')).toEqual({ ok: false, retryAfterSeconds: 60 });
    expect(limiter.take('a').ok).toBe(true);
  });
});

describe('clientKey', () => {
  it.each([
    // IPv4: one key per address.
    ['127.0.0.1', '127.0.0.1'],
    ['10.0.0.1', '10.0.0.1'],
    // IPv4-mapped (a dual-stack socket listening on ::), in every spelling: the IPv4 address.
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['::FFFF:10.0.0.2', '10.0.0.2'],
    ['::ffff:a00:1', '10.0.0.1'],
    ['0:0:0:0:0:ffff:10.0.0.1', '10.0.0.1'],
    ['0000:0000:0000:0000:0000:ffff:0a00:0003', '10.0.0.3'],
    // IPv6: one key per /64.
    ['2001:db8:85a3:1:8a2e:370:7334:1', '2001:db8:85a3:1::/64'],
    ['2001:db8:85a3:1:ffff::2', '2001:db8:85a3:1::/64'],
    ['2001:db8:85a3:2::1', '2001:db8:85a3:2::/64'],
    ['2001:0DB8::1', '2001:db8::/64'],
    ['::1', '::/64'],
    ['::ffff:0:10.0.0.1', '::/64'],
    ['fe80::1%eth0', 'fe80::/64'],
    ['64:ff9b::192.0.2.33', '64:ff9b::/64'],
    // Missing, and garbage: one shared key each, so made-up values cannot mint fresh buckets.
    [undefined, 'unknown'],
    ['', 'unknown'],
    ['not-an-ip', 'invalid'],
    ['1.2.3.4.5', 'invalid'],
    ['256.0.0.1', 'invalid'],
    ['::ffff:256.0.0.1', 'invalid'],
    ['1::2::3', 'invalid'],
    ['[::1]', 'invalid'],
    [' 10.0.0.1', 'invalid'],
    ['10', 'invalid'],
    ['010.0.0.1', 'invalid'],
  ])('%j → %s', (ip, key) => {
    expect(clientKey(ip)).toBe(key);
  });
});

describe('rate limit on the webhook route', () => {
  let app: Running;
  beforeAll(async () => {
    app = await start({ limits: { ratePerMinute: 2 } });
  });
  afterAll(() => app.close());

  it('answers 429 with Retry-After once a client is over its limit, and recovers next minute', async () => {
    app.clock = NOW_MS - (NOW_MS % 60_000) + 50_000;
    const send = (n: number) => post(app.url, JSON.stringify(visit({ n })), { 'content-type': 'application/json' });
    expect((await send(1)).status).toBe(202);
    expect((await send(2)).status).toBe(202);
    const limited = await send(3);
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual({ error: { code: 'rate_limited', message: 'too many requests; retry in 10s' } });
    expect(limited.headers.get('retry-after')).toBe('10');
    expect(app.calls).toHaveLength(2);
    // Health checks are not limited.
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    app.clock += 10_000;
    expect((await send(4)).status).toBe(202);
  });
});
