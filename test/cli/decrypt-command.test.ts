import { describe, expect, it } from 'vitest';
import type { EncryptionAuth } from '../../src/receive/auth/auth-config.js';
import { parseHeaderFile, runDecrypt } from '../../src/cli/decrypt-command.js';
import { encryptBody } from '../../src/receive/auth/encrypt-body.js';
import { AES_KEY } from '../receive/helpers.js';

const RULES = `version: 1
auth:
  encryption:
    key: \${RETURNING_ENCRYPTION_KEY}
    mode: auto
`;
const cfg: EncryptionAuth = { key: Buffer.from(AES_KEY), mode: 'gcm', encoding: 'base64', iv: { at: 'prefix' }, tag: { at: 'suffix' }, gcmIvBytes: 12, required: true };
const PLAIN = JSON.stringify({ event: { name: 'User Visits Server' } });

async function run(args: string[], files: Record<string, string | Buffer>, env: Record<string, string> = { RETURNING_ENCRYPTION_KEY: AES_KEY }) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDecrypt(args, {
    readFile: async (path) => {
      const f = files[path];
      if (f === undefined) throw new Error(`ENOENT: no such file, open '${path}'`);
      return Buffer.isBuffer(f) ? f : Buffer.from(f);
    },
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    env,
  });
  return { code, out: out.join(''), err: err.join('') };
}

describe('bridge decrypt', () => {
  it('confirms a delivery in the configured layout (exit 0)', async () => {
    const { body } = encryptBody(PLAIN, cfg);
    const r = await run(['--file', 'body.txt', '--headers', 'h.txt', '--rules', 'rules.yaml'], { 'rules.yaml': RULES, 'body.txt': body, 'h.txt': 'X-Encrypted: true\nContent-Type: text/plain' });
    expect(r).toEqual({
      code: 0,
      err: '',
      out: [
        `body: ${body.length} bytes (text); x-encrypted: true header present`,
        'configured layout (mode: auto, encoding: base64, iv: prefix, tag: suffix, gcm_iv_bytes: 12): decrypts: 39 bytes of JSON, event.name "User Visits Server"',
        'layouts that decrypt this body to JSON:',
        '  - mode: gcm, encoding: base64, iv: prefix, tag: suffix, gcm_iv_bytes: 12',
        '',
      ].join('\n'),
    });
  });

  it('names the layout that would work when the configured one does not (exit 1)', async () => {
    const { body } = encryptBody(PLAIN, { ...cfg, encoding: 'hex', tag: { at: 'after_iv' } });
    const r = await run(['--file', 'body.txt'], { './rules.yaml': RULES, 'body.txt': body });
    expect(r.code).toBe(1);
    expect(r.out.split('\n')).toEqual([
      `body: ${body.length} bytes (text); x-encrypted: true header ABSENT (no --headers given)`,
      'configured layout (mode: auto, encoding: base64, iv: prefix, tag: suffix, gcm_iv_bytes: 12): does not decrypt: gcm: GCM authentication failed (wrong key, wrong layout or a tampered body); cbc: CBC ciphertext is 84 bytes, not a positive multiple of 16',
      'layouts that decrypt this body to JSON:',
      '  - mode: gcm, encoding: hex, iv: prefix, tag: after_iv, gcm_iv_bytes: 12',
      '',
    ]);
  });

  it('says so when nothing decrypts (wrong key)', async () => {
    const { body } = encryptBody(PLAIN, { ...cfg, key: Buffer.from('ZYXWVUTSRQPONMLKJIHGFEDCBA987654') }, { wrap: true });
    const r = await run(['--file', 'b', '--print'], { './rules.yaml': RULES, b: body });
    expect(r.code).toBe(1);
    expect(r.out).toContain('body: 120 bytes (json-wrapper)');
    expect(r.out).toContain('no layout decrypts this body to JSON with this key: check the key, or that the capture is the raw body');
  });

  it('prints the plaintext with --print', async () => {
    const { body } = encryptBody(PLAIN, cfg);
    const r = await run(['--file', 'b', '--print'], { './rules.yaml': RULES, b: body });
    expect(r.code).toBe(0);
    expect(r.out.endsWith(`${PLAIN}\n`)).toBe(true);
  });

  it.each([
    ['no --file', [], {}, {}, '--file is required\nusage: bridge decrypt --file <captured body> [--headers <file>] [--rules <rules.yaml>] [--print]\n'],
    ['an unknown flag', ['--file', 'b', '--key', 'x'], {}, {}, 'unknown argument --key\nusage: bridge decrypt --file <captured body> [--headers <file>] [--rules <rules.yaml>] [--print]\n'],
    ['a flag without its value', ['--file'], {}, {}, '--file needs a value\nusage: bridge decrypt --file <captured body> [--headers <file>] [--rules <rules.yaml>] [--print]\n'],
    ['no encryption section', ['--file', 'b'], { './rules.yaml': 'version: 1\n', b: 'x' }, {}, './rules.yaml has no auth.encryption section\n'],
    ['the key variable unset', ['--file', 'b'], { './rules.yaml': RULES, b: 'x' }, {}, './rules.yaml: auth.encryption.key: environment variable RETURNING_ENCRYPTION_KEY is not set\n'],
    ['a missing body file', ['--file', 'nope'], { './rules.yaml': RULES }, { RETURNING_ENCRYPTION_KEY: AES_KEY }, "ENOENT: no such file, open 'nope'\n"],
    ['RULES_FILE from the environment', ['--file', 'b'], { 'custom.yaml': 'version: 1\n', b: 'x' }, { RULES_FILE: 'custom.yaml' }, 'custom.yaml has no auth.encryption section\n'],
  ])('exits 2 on %s', async (_name, args, files, env, message) => {
    const r = await run(args, files, env);
    expect(r).toEqual({ code: 2, out: '', err: message });
  });
});

describe('parseHeaderFile', () => {
  it.each([
    ['JSON', '{"X-Encrypted":"true","X-IV":"abc","n":1}', { 'x-encrypted': 'true', 'x-iv': 'abc' }],
    ['header lines', 'X-Encrypted: true\r\nX-IV:  a:b \r\nnot a header\n', { 'x-encrypted': 'true', 'x-iv': 'a:b' }],
  ])('%s', (_name, text, expected) => {
    expect(parseHeaderFile(text)).toEqual(expected);
  });
});
