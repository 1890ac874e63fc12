import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EncryptionAuth } from '../../../src/receive/auth/auth-config.js';
import { DecryptError, decryptBody } from '../../../src/receive/auth/decrypt-body.js';
import { encryptBody } from '../../../src/receive/auth/encrypt-body.js';
import { AES_KEY } from '../helpers.js';

const base: EncryptionAuth = {
  key: Buffer.from(AES_KEY), mode: 'auto', encoding: 'base64', iv: { at: 'prefix' }, tag: { at: 'suffix' }, gcmIvBytes: 12, required: true,
};
const PLAIN = '{"event":{"name":"User Visits Server"},"user":{"name":"Jane ☃"}}';
const IV16 = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');

function decrypt(body: Buffer, headers: Record<string, string>, cfg: EncryptionAuth): string {
  return decryptBody(body, headers, cfg).toString('utf8');
}

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DecryptError);
    return (err as Error).message;
  }
  throw new Error('expected a DecryptError');
}

const layouts: [string, Partial<EncryptionAuth>][] = [
  ['default (base64, iv prefix, tag suffix)', {}],
  ['hex', { encoding: 'hex' }],
  ['iv in a header', { iv: { at: 'header', name: 'x-iv' } }],
  ['tag in a header', { tag: { at: 'header', name: 'x-tag' } }],
  ['iv and tag in headers, hex', { encoding: 'hex', iv: { at: 'header', name: 'x-iv' }, tag: { at: 'header', name: 'x-tag' } }],
  ['tag right after the iv', { tag: { at: 'after_iv' } }],
  ['tag after an iv in a header', { iv: { at: 'header', name: 'x-iv' }, tag: { at: 'after_iv' } }],
  ['16-byte GCM iv', { gcmIvBytes: 16 }],
];

describe('encryptBody / decryptBody round trips', () => {
  describe.each(['gcm', 'cbc'] as const)('%s', (mode) => {
    it.each(layouts)('%s', (_name, options) => {
      const cfg = { ...base, ...options, mode };
      const { body, headers } = encryptBody(PLAIN, cfg);
      expect(headers['x-encrypted']).toBe('true');
      expect(decrypt(body, headers, cfg)).toBe(PLAIN);
      expect(decrypt(body, headers, { ...cfg, mode: 'auto' })).toBe(PLAIN);
    });

    it.each([['base64'], ['hex']] as const)('JSON wrapper { iv, data, tag } in %s', (encoding) => {
      const cfg = { ...base, encoding, mode };
      const { body, headers } = encryptBody(PLAIN, cfg, { wrap: true });
      expect(Object.keys(JSON.parse(body.toString()))).toEqual(mode === 'gcm' ? ['iv', 'data', 'tag'] : ['iv', 'data']);
      expect(headers['content-type']).toBe('application/json');
      expect(decrypt(body, headers, cfg)).toBe(PLAIN);
    });

    it('a wrong key fails', () => {
      // A fixed IV keeps CBC deterministic: with a random one, about 1 in 256 wrong keys yields valid padding (next test).
      const { body, headers } = encryptBody(PLAIN, { ...base, mode }, { iv: Buffer.alloc(mode === 'gcm' ? 12 : 16, 1) });
      const wrong = { ...base, mode, key: Buffer.from('ZYXWVUTSRQPONMLKJIHGFEDCBA987654') };
      expect(failure(() => decryptBody(body, headers, wrong))).toBe(
        mode === 'gcm' ? 'GCM authentication failed (wrong key, wrong layout or a tampered body)' : 'CBC padding check failed (wrong key or wrong layout)',
      );
    });
  });

  it('CBC is not authentication: a wrong key can pass the padding check and yield garbage', () => {
    const { body, headers } = encryptBody(PLAIN, { ...base, mode: 'cbc' }, { iv: IV16 });
    const wrong = { ...base, mode: 'cbc' as const, key: Buffer.from('ZYXWVUTSRQPONMLKJIHGFEDCBA987654') };
    const garbage = decryptBody(body, headers, wrong);
    expect(garbage.toString('utf8')).not.toBe(PLAIN);
    expect(garbage.length).toBeLessThanOrEqual(Buffer.byteLength(PLAIN) + 15);
  });

  it('auto tries GCM then CBC and reports both reasons', () => {
    const { body, headers } = encryptBody(PLAIN, { ...base, mode: 'gcm' });
    const wrong = { ...base, key: Buffer.from('ZYXWVUTSRQPONMLKJIHGFEDCBA987654') };
    expect(failure(() => decryptBody(body, headers, wrong))).toBe(
      'gcm: GCM authentication failed (wrong key, wrong layout or a tampered body); cbc: CBC ciphertext is 78 bytes, not a positive multiple of 16',
    );
  });

  it('matches an independent AES-256-CBC encryption of iv || ciphertext', () => {
    const c = createCipheriv('aes-256-cbc', Buffer.from(AES_KEY), IV16);
    const body = Buffer.from(Buffer.concat([IV16, c.update(PLAIN), c.final()]).toString('base64'));
    expect(decrypt(body, {}, { ...base, mode: 'cbc' })).toBe(PLAIN);
  });

  it('accepts the alias field names and a JSON string body', () => {
    const gcm = { ...base, mode: 'gcm' as const };
    const w = JSON.parse(encryptBody(PLAIN, gcm, { wrap: true }).body.toString()) as { iv: string; data: string; tag: string };
    const aliased = Buffer.from(JSON.stringify({ iv: w.iv, ciphertext: w.data, authTag: w.tag }));
    expect(decrypt(aliased, {}, gcm)).toBe(PLAIN);
    const bare = encryptBody(PLAIN, gcm).body.toString();
    expect(decrypt(Buffer.from(JSON.stringify(bare)), {}, gcm)).toBe(PLAIN);
    expect(decrypt(Buffer.from(JSON.stringify({ data: bare })), {}, gcm)).toBe(PLAIN);
  });
});

describe('decryptBody failures', () => {
  const gcm = { ...base, mode: 'gcm' as const };
  const sample = () => encryptBody(PLAIN, gcm, { iv: Buffer.alloc(12, 7) });

  it.each<[string, () => [Buffer, Record<string, string>, EncryptionAuth]]>([
    ['tampered GCM tag', () => {
      const bytes = Buffer.from(sample().body.toString(), 'base64');
      bytes[bytes.length - 1]! ^= 0x01;
      return [Buffer.from(bytes.toString('base64')), {}, gcm];
    }],
    ['tampered GCM ciphertext', () => {
      const bytes = Buffer.from(sample().body.toString(), 'base64');
      bytes[14]! ^= 0x01;
      return [Buffer.from(bytes.toString('base64')), {}, gcm];
    }],
  ])('%s', (_name, make) => {
    const [body, headers, cfg] = make();
    expect(failure(() => decryptBody(body, headers, cfg))).toBe('GCM authentication failed (wrong key, wrong layout or a tampered body)');
  });

  it.each<[string, string, Record<string, string>, EncryptionAuth, string]>([
    ['an empty body', '', {}, gcm, 'body is empty'],
    ['not base64', 'this is *not* base64!', {}, gcm, 'body is not base64'],
    ['not hex', 'abcz', {}, { ...gcm, encoding: 'hex' }, 'body is not hex'],
    ['too short for the iv', 'AAAA', {}, gcm, 'body is 3 bytes, too short for a 12-byte IV'],
    ['too short for the tag', Buffer.alloc(20).toString('base64'), {}, gcm, 'body is too short for a 16-byte GCM tag'],
    ['CBC not a block multiple', Buffer.alloc(16 + 15).toString('base64'), {}, { ...gcm, mode: 'cbc' }, 'CBC ciphertext is 15 bytes, not a positive multiple of 16'],
    ['missing iv header', Buffer.alloc(40).toString('base64'), {}, { ...gcm, iv: { at: 'header', name: 'x-iv' } }, 'missing x-iv header'],
    ['bad iv header', Buffer.alloc(40).toString('base64'), { 'x-iv': '%%%' }, { ...gcm, iv: { at: 'header', name: 'x-iv' } }, 'x-iv header is not base64'],
    ['wrong iv length in a header', Buffer.alloc(40).toString('base64'), { 'x-iv': Buffer.alloc(8).toString('base64') }, { ...gcm, iv: { at: 'header', name: 'x-iv' } }, 'IV is 8 bytes, not valid for GCM'],
    ['JSON that is not a wrapper', '{"event":{}}', {}, gcm, 'JSON body has no string data / ciphertext / encrypted / payload field'],
    ['broken JSON', '{"iv": ', {}, gcm, 'body looks like JSON but does not parse'],
    ['a JSON array', '["a"]', {}, gcm, 'body is not base64'],
    ['a JSON number wrapper', '{"data": 5}', {}, gcm, 'JSON body has no string data / ciphertext / encrypted / payload field'],
    ['a wrong-size tag field', JSON.stringify({ iv: Buffer.alloc(12).toString('base64'), data: 'AAAA', tag: 'AAAA' }), {}, gcm, 'GCM tag is 3 bytes, expected 16'],
  ])('%s', (_name, body, headers, cfg, message) => {
    expect(failure(() => decryptBody(Buffer.from(body), headers, cfg))).toBe(message);
  });
});
