import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import type { StandardWebhooksAuth } from '../../../src/receive/auth/auth-config.js';
import { createAuthenticator } from '../../../src/receive/auth/authenticate.js';
import { signStandardWebhook, verifyStandardWebhook } from '../../../src/receive/auth/verify-standard-webhook.js';
import { NOW_MS, NOW_S, OLD_SECRET, SECRET, key } from '../helpers.js';

const cfg: StandardWebhooksAuth = { secrets: [key(SECRET), key(OLD_SECRET)], toleranceSeconds: 300 };
const BODY = Buffer.from('{"event":{"name":"User Visits Server"}}');
const OTHER = `whsec_${Buffer.from('another-secret-another-secret-!!').toString('base64')}`;

function headers(opts: { id?: string; ts?: number; secret?: string; body?: Buffer; signature?: string } = {}) {
  const id = opts.id ?? 'msg_1';
  const ts = opts.ts ?? NOW_S;
  return {
    'webhook-id': id,
    'webhook-timestamp': String(ts),
    'webhook-signature': opts.signature ?? signStandardWebhook(opts.secret ?? SECRET, id, ts, opts.body ?? BODY),
  };
}

describe('verifyStandardWebhook', () => {
  it.each([
    ['a valid signature', headers(), BODY, { ok: true }],
    ['the second (rotated) secret', headers({ secret: OLD_SECRET }), BODY, { ok: true }],
    ['timestamp exactly 300 s old', headers({ ts: NOW_S - 300 }), BODY, { ok: true }],
    ['timestamp exactly 300 s ahead', headers({ ts: NOW_S + 300 }), BODY, { ok: true }],
    ['several signatures, one valid', { ...headers(), 'webhook-signature': `v1,${'A'.repeat(43)}= v1a,xyz ${headers()['webhook-signature']}` }, BODY, { ok: true }],
    ['a wrong secret', headers({ secret: OTHER }), BODY, { ok: false, reason: 'no matching webhook-signature' }],
    ['a tampered body', headers(), Buffer.from('{"event":{"name":"User Joins Server"}}'), { ok: false, reason: 'no matching webhook-signature' }],
    ['a signature over another id', { ...headers(), 'webhook-id': 'msg_2' }, BODY, { ok: false, reason: 'no matching webhook-signature' }],
    ['a stale timestamp', headers({ ts: NOW_S - 301 }), BODY, { ok: false, reason: 'webhook-timestamp too old (301s, tolerance 300s)' }],
    ['a future timestamp', headers({ ts: NOW_S + 301 }), BODY, { ok: false, reason: 'webhook-timestamp too new (301s ahead, tolerance 300s)' }],
    ['a timestamp that is not a number', { ...headers(), 'webhook-timestamp': '2025-09-02' }, BODY, { ok: false, reason: 'webhook-timestamp is not unix seconds' }],
    ['no v1 signature', { ...headers(), 'webhook-signature': 'v1a,abc v2,def' }, BODY, { ok: false, reason: 'webhook-signature has no v1 signature' }],
    ['a truncated signature', { ...headers(), 'webhook-signature': headers()['webhook-signature'].slice(0, 20) }, BODY, { ok: false, reason: 'webhook-signature has no v1 signature' }],
    ['no headers', {}, BODY, { ok: false, reason: 'missing webhook-id, webhook-timestamp, webhook-signature header' }],
    ['only the signature missing', { ...headers(), 'webhook-signature': '' }, BODY, { ok: false, reason: 'missing webhook-signature header' }],
    ['an overlong id', headers({ id: 'x'.repeat(257) }), BODY, { ok: false, reason: 'webhook-id longer than 256 characters' }],
  ])('%s', (_name, h, body, expected) => {
    expect(verifyStandardWebhook(cfg, body, h, NOW_MS)).toEqual(expected);
  });

  it('MACs the raw bytes, even when they are not valid UTF-8', () => {
    const raw = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    expect(verifyStandardWebhook(cfg, raw, headers({ body: raw }), NOW_MS)).toEqual({ ok: true });
    expect(verifyStandardWebhook(cfg, Buffer.from(raw.toString('utf8')), headers({ body: raw }), NOW_MS).ok).toBe(false);
  });

  it('refuses a secret that is not whsec_ base64 when signing', () => {
    expect(() => signStandardWebhook('whsec_!!!', 'a', 1, 'x')).toThrow('webhook secret is not whsec_ base64');
  });
});

describe('interop with the standardwebhooks package', () => {
  it('signs exactly as its sign() does, and each verifies the other', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !s.includes('.')), fc.string({ maxLength: 200 }), (id, payload) => {
        const ts = Math.floor(Date.now() / 1000);
        const theirs = new Webhook(SECRET).sign(id, new Date(ts * 1000), payload);
        const ours = signStandardWebhook(SECRET, id, ts, payload);
        expect(ours).toBe(theirs);
        const h = { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': theirs };
        expect(verifyStandardWebhook(cfg, Buffer.from(payload), h, ts * 1000)).toEqual({ ok: true });
        expect(() => new Webhook(SECRET).verify(payload, { ...h, 'webhook-signature': ours }, { jsonParse: false })).not.toThrow();
      }),
      { numRuns: 50 },
    );
  });
});

describe('replay protection (through the authenticator)', () => {
  const auth = { standardWebhooks: cfg };

  it('refuses the same id and timestamp twice, but lets a re-signed retry through', () => {
    const a = createAuthenticator(auth, () => NOW_MS);
    expect(a.check(BODY, headers()).ok).toBe(true);
    const again = a.check(BODY, headers());
    expect(again.ok).toBe(false);
    expect(!again.ok && again.error.reason).toBe('replayed webhook-id "msg_1" with the same webhook-timestamp');
    expect(a.check(BODY, headers({ ts: NOW_S + 1 })).ok).toBe(true);
  });

  it('forgets a request whose intake failed, so the sender can retry it as is', () => {
    const a = createAuthenticator(auth, () => NOW_MS);
    const first = a.check(BODY, headers());
    expect(first).toMatchObject({ ok: true, replayKey: `msg_1.${NOW_S}` });
    if (first.ok && first.replayKey) a.release(first.replayKey);
    expect(a.check(BODY, headers()).ok).toBe(true);
  });

  it('does not record a request that failed authentication', () => {
    const a = createAuthenticator(auth, () => NOW_MS);
    expect(a.check(Buffer.from('tampered'), headers()).ok).toBe(false);
    expect(a.check(BODY, headers()).ok).toBe(true);
  });
});
