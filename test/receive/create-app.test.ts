import { afterEach, describe, expect, it } from 'vitest';
import type { AuthConfig } from '../../src/receive/auth/auth-config.js';
import { encryptBody } from '../../src/receive/auth/encrypt-body.js';
import type { AppDeps } from '../../src/receive/create-app.js';
import { API_KEY, FULL_AUTH, authHeaders, post, start, visit, type Running } from './helpers.js';

let app: Running | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function boot(deps: Partial<AppDeps> = {}): Promise<Running> {
  app = await start(deps);
  return app;
}

const JSON_CT = { 'content-type': 'application/json' };
const body = JSON.stringify(visit());

describe('health routes', () => {
  it('GET /healthz → 200 { status: ok }, HEAD too', async () => {
    const a = await boot();
    const res = await fetch(`${a.url}/healthz`);
    expect([res.status, await res.json()]).toEqual([200, { status: 'ok' }]);
    expect((await fetch(`${a.url}/healthz`, { method: 'HEAD' })).status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it.each<[string, AppDeps['health'], number, unknown]>([
    ['no check given', undefined, 200, { status: 'ready' }],
    ['ready', { ready: () => ({ ok: true, details: { store: 'ok' } }) }, 200, { status: 'ready', details: { store: 'ok' } }],
    ['not ready', { ready: () => ({ ok: false, details: { store: 'locked' } }) }, 503, { status: 'not_ready', details: { store: 'locked' } }],
    ['a check that throws', { ready: () => { throw new Error('boom'); } }, 503, { status: 'not_ready' }],
  ])('GET /readyz with %s', async (_name, health, status, json) => {
    const a = await boot(health ? { health } : {});
    const res = await fetch(`${a.url}/readyz`);
    expect([res.status, await res.json()]).toEqual([status, json]);
  });

  it('mounts extra routes before the 404 handler', async () => {
    const a = await boot({ extraRoutes: (x) => x.get('/metrics', (_req, res) => void res.type('text/plain').send('up 1\n')) });
    expect(await (await fetch(`${a.url}/metrics`)).text()).toBe('up 1\n');
    const missing = await fetch(`${a.url}/nope`);
    expect([missing.status, await missing.json()]).toEqual([404, { error: { code: 'not_found', message: 'no such route' } }]);
  });

  it('answers an unexpected error with a bare 500, logging the error', async () => {
    const a = await boot({ extraRoutes: (x) => x.get('/boom', () => { throw new Error('secret internals'); }) });
    const res = await fetch(`${a.url}/boom`);
    const text = await res.text();
    expect([res.status, JSON.parse(text)]).toEqual([500, { error: { code: 'internal_error', message: 'internal error' } }]);
    expect(text).not.toContain('secret internals');
    expect(a.logs.join('')).toContain('secret internals');
  });
});

describe('POST /webhooks/returning-ai', () => {
  it('accepts (202) and hands the event, its id the delivery id, to the intake', async () => {
    const a = await boot();
    const r = await post(a.url, body, { ...JSON_CT, 'webhook-id': 'msg_abc' });
    expect([r.status, r.json]).toEqual([202, { status: 'accepted', id: 'msg_abc' }]);
    expect(a.calls).toHaveLength(1);
    expect(a.calls[0]).toMatchObject({ id: 'msg_abc', type: 'user.visited', name: 'User Visits Server' });
    expect(a.calls[0]?.payload).toEqual(visit());
  });

  it.each([
    ['an ack', { ...JSON_CT, 'webhook-id': 'msg_h' }, 202],
    ['a refusal', { 'content-type': 'text/plain' }, 415],
  ])('sends the base headers with %s, though the route runs ahead of their middleware', async (_name, headers, status) => {
    const a = await boot();
    const r = await post(a.url, body, headers);
    expect([r.status, r.headers.get('x-content-type-options'), r.headers.get('cache-control'), r.headers.get('content-type')]).toEqual([
      status, 'nosniff', 'no-store', 'application/json; charset=utf-8',
    ]);
  });

  it('answers a duplicate with 200', async () => {
    const a = await boot();
    await post(a.url, body, { ...JSON_CT, 'webhook-id': 'msg_dup' });
    const r = await post(a.url, body, { ...JSON_CT, 'webhook-id': 'msg_dup' });
    expect([r.status, r.json]).toEqual([200, { status: 'duplicate', id: 'msg_dup' }]);
  });

  it('uses the content id when there is no webhook-id', async () => {
    const a = await boot();
    const r = await post(a.url, body, JSON_CT);
    expect(r.json).toMatchObject({ status: 'accepted', id: expect.stringMatching(/^c_[0-9a-f]{32}$/) });
    expect(a.calls[0]?.id).toBe((r.json as { id: string }).id);
  });

  it('answers 503 when the intake fails, and the same signed request can be retried', async () => {
    const a = await boot({ auth: FULL_AUTH });
    const headers = authHeaders(body);
    a.failIntake = true;
    const failed = await post(a.url, body, headers);
    expect([failed.status, failed.json]).toEqual([503, { error: { code: 'unavailable', message: 'the event could not be recorded; retry later' } }]);
    expect(a.logs.join('')).toContain('intake failed; the sender should retry');
    a.failIntake = false;
    expect((await post(a.url, body, headers)).status).toBe(202);
  });

  it('names the invalid paths in a 422', async () => {
    const a = await boot();
    const bad = JSON.stringify(visit({ user: { ...(visit().user as object), email: 'not-an-email' }, date: 'soon' }));
    const r = await post(a.url, bad, JSON_CT);
    expect([r.status, r.json]).toEqual([422, { error: { code: 'invalid_event', message: 'user.email: Invalid email address; date: Invalid ISO datetime' } }]);
  });

  it('accepts an unknown event name (recorded, matched only by rules that name it)', async () => {
    const a = await boot();
    const r = await post(a.url, JSON.stringify({ event: { name: 'User Levelled Up' }, level: 3 }), JSON_CT);
    expect(r.status).toBe(202);
    expect(a.calls[0]?.type).toBe('unknown');
  });

  it('logs why authentication failed, but not the key or signature', async () => {
    const a = await boot({ auth: FULL_AUTH });
    const signed = authHeaders(body);
    const headers = { ...signed, 'x-api-key': 'guess-1234' };
    const r = await post(a.url, body, headers);
    expect([r.status, r.json]).toEqual([401, { error: { code: 'unauthorized', message: 'authentication failed' } }]);
    const logs = a.logs.join('');
    expect(logs).toContain('"reason":"wrong x-api-key"');
    expect(logs).not.toContain('guess-1234');
    expect(logs).not.toContain(API_KEY);
    expect(logs).not.toContain(signed['webhook-signature']?.slice(3));
  });

  it('requires encryption when it is configured as required', async () => {
    const auth: AuthConfig = { encryption: { ...FULL_AUTH.encryption!, required: true, mode: 'gcm' } };
    const a = await boot({ auth });
    const plain = await post(a.url, body, JSON_CT);
    expect([plain.status, plain.json]).toEqual([401, { error: { code: 'unauthorized', message: 'authentication failed' } }]);
    expect(a.logs.join('')).toContain('body is not encrypted (no x-encrypted: true) and auth.encryption.required is on');
    const enc = encryptBody(body, auth.encryption!);
    const ok = await post(a.url, enc.body, enc.headers);
    expect(ok.status).toBe(202);
    expect(a.calls[0]?.payload).toEqual(visit());
    const wrapped = encryptBody(JSON.stringify(visit({ n: 2 })), auth.encryption!, { wrap: true });
    expect((await post(a.url, wrapped.body, wrapped.headers)).status).toBe(202);
  });

  it('refuses an encrypted body when no key is configured (415)', async () => {
    const a = await boot();
    const r = await post(a.url, 'AAAA', { ...JSON_CT, 'x-encrypted': 'true' });
    expect([r.status, r.json]).toEqual([415, { error: { code: 'encryption_not_configured', message: 'encrypted bodies are not accepted: no encryption key is configured' } }]);
  });

  it('applies configured size and depth limits', async () => {
    const a = await boot({ limits: { maxBodyBytes: 100, maxDepth: 2 } });
    const big = await post(a.url, JSON.stringify({ pad: 'x'.repeat(100) }), JSON_CT);
    expect([big.status, big.json]).toEqual([413, { error: { code: 'payload_too_large', message: 'body exceeds 100 bytes' } }]);
    const deep = await post(a.url, '{"a":{"b":{}}}', JSON_CT);
    expect([deep.status, deep.json]).toEqual([400, { error: { code: 'too_deep', message: 'body nests deeper than 2 levels' } }]);
  });

  it('limits each forwarded client separately when trust proxy is on', async () => {
    const a = await boot({ limits: { ratePerMinute: 1 }, trustProxy: true });
    const send = (ip: string, n: number) => post(a.url, JSON.stringify(visit({ n })), { ...JSON_CT, 'x-forwarded-for': ip });
    expect((await send('203.0.113.1', 1)).status).toBe(202);
    expect((await send('203.0.113.2', 2)).status).toBe(202);
    expect((await send('203.0.113.1', 3)).status).toBe(429);
  });

  it('ignores X-Forwarded-For when trust proxy is off', async () => {
    const a = await boot({ limits: { ratePerMinute: 1 } });
    const send = (ip: string, n: number) => post(a.url, JSON.stringify(visit({ n })), { ...JSON_CT, 'x-forwarded-for': ip });
    expect((await send('203.0.113.1', 1)).status).toBe(202);
    expect((await send('203.0.113.2', 2)).status).toBe(429);
  });
});
