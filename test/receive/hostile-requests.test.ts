import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptBody } from '../../src/receive/auth/encrypt-body.js';
import { signStandardWebhook } from '../../src/receive/auth/verify-standard-webhook.js';
import {
  API_KEY, FULL_AUTH, NOW_S, SECRET, authHeaders, nextId, post, rawRequest, start, visit, type Running,
} from './helpers.js';

/**
 * Hostile and malformed requests against an app with every scheme on (API key, Standard Webhooks,
 * optional encryption). Each must get its exact status and error code, and a valid request sent
 * right after must still be accepted: nothing a client sends stops the process serving.
 */

let app: Running;
beforeAll(async () => {
  app = await start({ auth: FULL_AUTH });
});
afterAll(() => app.close());

interface Outcome {
  readonly status: number;
  readonly code: string | undefined;
}

const codeOf = (json: unknown): string | undefined => (json as { error?: { code?: string } } | null)?.error?.code;

/** POST with correct authentication over exactly these bytes. */
async function signed(body: Buffer | string, extra: Record<string, string> = {}): Promise<Outcome> {
  const r = await post(app.url, body, { ...authHeaders(body), ...extra });
  return { status: r.status, code: codeOf(r.json) };
}

async function sendHeaders(body: Buffer | string, headers: Record<string, string>): Promise<Outcome> {
  const r = await post(app.url, body, headers);
  return { status: r.status, code: codeOf(r.json) };
}

async function method(m: string, path = '/webhooks/returning-ai'): Promise<Outcome> {
  const r = await fetch(`${app.url}${path}`, { method: m, ...(m === 'GET' || m === 'HEAD' ? {} : { body: '{}', headers: { 'content-type': 'application/json' } }) });
  const text = await r.text();
  return { status: r.status, code: text ? codeOf(JSON.parse(text)) : undefined };
}

/** A raw HTTP/1.1 request: head lines as given (so they can lie), then the body. */
async function raw(head: string[], body: Buffer | string = '', opts: { endAfterWrite?: boolean } = {}): Promise<Outcome> {
  const bytes = Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body)]);
  const r = await rawRequest(app.port, bytes, opts);
  return { status: r.status, code: codeOf(JSON.parse(r.body)) };
}

/** Head lines of a correctly signed POST for `signedBody` (the bytes actually sent may differ). */
function signedHead(signedBody: string, extra: string[] = []): string[] {
  const h = authHeaders(signedBody);
  return ['POST /webhooks/returning-ai HTTP/1.1', 'Host: localhost', ...Object.entries(h).map(([k, v]) => `${k}: ${v}`), ...extra];
}

const valid = (): string => JSON.stringify(visit({ user: { ...(visit().user as object), id: nextId() } }));
const withSig = (body: string, id: string, ts: number, secret = SECRET): Record<string, string> => ({
  'content-type': 'application/json', 'x-api-key': API_KEY, 'webhook-id': id, 'webhook-timestamp': String(ts),
  'webhook-signature': signStandardWebhook(secret, id, ts, body),
});
const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const encrypted = (plain: string, opts: Parameters<typeof encryptBody>[2] = {}) => encryptBody(plain, FULL_AUTH.encryption!, opts);

const table: [string, () => Promise<Outcome>, number, string | undefined, number?][] = [
  // content type (415)
  ['no content-type', () => sendHeaders(valid(), { ...authHeaders(''), 'content-type': '' }), 415, 'unsupported_media_type'],
  ['text/plain without x-encrypted', () => signed(valid(), { 'content-type': 'text/plain' }), 415, 'unsupported_media_type'],
  ['form-urlencoded', () => signed('a=1&b=2', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type'],
  ['multipart', () => signed('--x\r\n\r\n--x--', { 'content-type': 'multipart/form-data; boundary=x' }), 415, 'unsupported_media_type'],
  ['json with a latin1 charset', () => signed(valid(), { 'content-type': 'application/json; charset=latin1' }), 415, 'unsupported_media_type'],
  ['application/jsonp look-alike', () => signed(valid(), { 'content-type': 'application/jsonp' }), 415, 'unsupported_media_type'],
  ['x-encrypted with application/xml', () => signed('<a/>', { 'content-type': 'application/xml', 'x-encrypted': 'true' }), 415, 'unsupported_media_type'],
  // size (413) and framing lies
  ['300 KiB body', () => signed(JSON.stringify({ pad: 'x'.repeat(300 * 1024) })), 413, 'payload_too_large'],
  ['Content-Length claims 10 GB', () => raw([...signedHead('{}'), 'Content-Length: 10000000000'], '{}'), 413, 'payload_too_large'],
  ['300 KiB chunked, no Content-Length', () => {
    const chunk = 'x'.repeat(64 * 1024);
    const chunks = Array.from({ length: 5 }, () => `${(chunk.length).toString(16)}\r\n${chunk}\r\n`).join('');
    return raw([...signedHead(''), 'Transfer-Encoding: chunked'], `${chunks}0\r\n\r\n`);
  }, 413, 'payload_too_large'],
  ['Content-Length longer than the body, then EOF', () => raw([...signedHead('{}'), 'Content-Length: 100'], '{"a":', { endAfterWrite: true }), 400, 'bad_request'],
  // The first 20 bytes are a request; the rest is garbage on the connection, which Node refuses first.
  ['Content-Length shorter than the body', () => {
    const body = valid();
    return raw([...signedHead(body), 'Content-Length: 20'], body);
  }, 400, 'bad_request'],
  ['Content-Length and Transfer-Encoding together (smuggling)', () => raw([...signedHead('{}'), 'Content-Length: 2', 'Transfer-Encoding: chunked'], '{}'), 400, 'bad_request'],
  ['non-numeric Content-Length', () => raw([...signedHead('{}'), 'Content-Length: 2x'], '{}'), 400, 'bad_request'],
  ['gzip content-encoding', () => signed(valid(), { 'content-encoding': 'gzip' }), 415, 'unsupported_encoding'],
  ['headers over 16 KiB', () => signed(valid(), { 'x-pad': 'p'.repeat(20_000) }), 431, 'headers_too_large'],
  // body parsing (400)
  ['empty body', () => signed(''), 400, 'malformed_json'],
  ['whitespace-only body', () => signed('  \n '), 400, 'malformed_json'],
  ['truncated JSON', () => signed(valid().slice(0, 40)), 400, 'malformed_json'],
  ['binary garbage', () => signed(Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x7b])), 400, 'malformed_json'],
  ['invalid UTF-8 inside a string', () => signed(Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')])), 400, 'malformed_json'],
  ['trailing comma and comment as in the docs example', () => signed('{"user": {"nicename": "janedoe" #username\n},}'), 400, 'malformed_json'],
  ['NaN literal', () => signed('{"a": NaN}'), 400, 'malformed_json'],
  ['10,000-deep arrays', () => signed(nested(10_000)), 400, 'too_deep'],
  ['33-deep objects', () => signed('{"a":'.repeat(33) + '1' + '}'.repeat(33)), 400, 'too_deep'],
  ['__proto__ at the top', () => signed(`{"__proto__":{"isAdmin":true},${valid().slice(1)}`), 400, 'forbidden_key'],
  ['constructor.prototype inside user', () => signed(JSON.stringify(visit({ user: { ...(visit().user as object), constructor: { prototype: { x: 1 } } } }))), 400, 'forbidden_key'],
  ['prototype key in an array element', () => signed(JSON.stringify(visit({ extra: [{ prototype: 1 }] }))), 400, 'forbidden_key'],
  // schema (422)
  ['array body', () => signed('[]'), 422, 'invalid_event'],
  ['string body', () => signed('"hello"'), 422, 'invalid_event'],
  ['number body', () => signed('42'), 422, 'invalid_event'],
  ['null body', () => signed('null'), 422, 'invalid_event'],
  ['empty object', () => signed('{}'), 422, 'invalid_event'],
  ['user.email of the wrong type', () => signed(JSON.stringify(visit({ user: { ...(visit().user as object), email: 42 } }))), 422, 'invalid_event'],
  ['date that is not ISO-8601', () => signed(JSON.stringify(visit({ date: 'yesterday' }))), 422, 'invalid_event'],
  ['event.name empty', () => signed(JSON.stringify(visit({ event: { name: '' } }))), 422, 'invalid_event'],
  ['200 KiB user name is accepted (no crash)', () => signed(JSON.stringify(visit({ user: { ...(visit().user as object), id: nextId(), name: 'n'.repeat(200 * 1024) } }))), 202, undefined],
  // authentication (401, opaque)
  ['missing x-api-key', () => sendHeaders(valid(), (({ 'x-api-key': _, ...h }) => h)(authHeaders(''))), 401, 'unauthorized'],
  ['wrong x-api-key, same length', () => signed(valid(), { 'x-api-key': API_KEY.replace(/.$/, '!') }), 401, 'unauthorized'],
  ['x-api-key of another length', () => signed(valid(), { 'x-api-key': 'short' }), 401, 'unauthorized'],
  ['missing webhook-signature', () => { const b = valid(); const { 'webhook-signature': _, ...h } = authHeaders(b); return sendHeaders(b, h); }, 401, 'unauthorized'],
  ['signed with an unknown secret', () => { const b = valid(); return sendHeaders(b, withSig(b, nextId(), NOW_S, `whsec_${Buffer.from('x'.repeat(32)).toString('base64')}`)); }, 401, 'unauthorized'],
  ['timestamp 301 s old', () => { const b = valid(); return sendHeaders(b, withSig(b, nextId(), NOW_S - 301)); }, 401, 'unauthorized'],
  ['timestamp 301 s in the future', () => { const b = valid(); return sendHeaders(b, withSig(b, nextId(), NOW_S + 301)); }, 401, 'unauthorized'],
  ['timestamp in milliseconds', () => { const b = valid(); return sendHeaders(b, withSig(b, nextId(), NOW_S * 1000)); }, 401, 'unauthorized'],
  ['non-numeric timestamp', () => { const b = valid(); return sendHeaders(b, { ...withSig(b, 'x', NOW_S), 'webhook-timestamp': '17e8' }); }, 401, 'unauthorized'],
  ['garbage signature', () => { const b = valid(); return sendHeaders(b, { ...withSig(b, 'x', NOW_S), 'webhook-signature': 'v1,!!!! v1, ,,, v2,AAAA' }); }, 401, 'unauthorized'],
  ['tampered body', () => { const b = valid(); return sendHeaders(b.replace('Jane', 'Joan'), withSig(b, nextId(), NOW_S)); }, 401, 'unauthorized'],
  ['replayed request (same id and timestamp)', async () => {
    const b = valid();
    const h = withSig(b, nextId(), NOW_S);
    expect((await sendHeaders(b, h)).status).toBe(202);
    return sendHeaders(b, h);
  }, 401, 'unauthorized', 1],
  ['8 KiB webhook-id', () => { const b = valid(); return sendHeaders(b, withSig(b, 'i'.repeat(8192), NOW_S)); }, 401, 'unauthorized'],
  // header injection
  ['a duplicate x-api-key header (injected)', () => { const b = valid(); return raw([...signedHead(b), `X-Api-Key: ${API_KEY}`, `Content-Length: ${Buffer.byteLength(b)}`], b); }, 401, 'unauthorized'],
  ['a correct raw request is accepted (control)', () => { const b = valid(); return raw([...signedHead(b), `Content-Length: ${Buffer.byteLength(b)}`], b); }, 202, undefined],
  ['bare LF inside a header value', () => raw([...signedHead('{}'), 'X-Evil: a\nb', 'Content-Length: 2'], '{}'), 400, 'bad_request'],
  ['NUL inside a header value', () => raw([...signedHead('{}'), 'X-Evil: a\0b', 'Content-Length: 2'], '{}'), 400, 'bad_request'],
  ['obs-fold continuation line', () => raw([...signedHead('{}'), 'X-Evil: a', ' folded', 'Content-Length: 2'], '{}'), 400, 'bad_request'],
  ['space in a header name', () => raw([...signedHead('{}'), 'X Evil: a', 'Content-Length: 2'], '{}'), 400, 'bad_request'],
  // encrypted bodies
  ['x-encrypted with garbage base64', () => signed('@@not base64@@', { 'x-encrypted': 'true', 'content-type': 'text/plain' }), 401, 'unauthorized'],
  ['x-encrypted with a tampered GCM tag', () => {
    const { body } = encrypted(valid());
    const bytes = Buffer.from(body.toString(), 'base64');
    bytes[bytes.length - 1]! ^= 1;
    return signed(bytes.toString('base64'), { 'x-encrypted': 'true', 'content-type': 'text/plain' });
  }, 401, 'unauthorized'],
  ['x-encrypted with plaintext JSON', () => signed(valid(), { 'x-encrypted': 'true' }), 401, 'unauthorized'],
  ['x-encrypted with a too-short body', () => signed('AAAA', { 'x-encrypted': 'true', 'content-type': 'text/plain' }), 401, 'unauthorized'],
  ['encrypted body that decrypts to a non-event', () => signed(encrypted('[1,2,3]').body, { 'x-encrypted': 'true', 'content-type': 'text/plain' }), 422, 'invalid_event'],
  ['encrypted body that decrypts to __proto__', () => signed(encrypted('{"__proto__":{"p":1}}', { mode: 'cbc' }).body, { 'x-encrypted': 'true', 'content-type': 'text/plain' }), 400, 'forbidden_key'],
  // methods and paths
  ['GET on the webhook', () => method('GET'), 405, 'method_not_allowed'],
  ['PUT on the webhook', () => method('PUT'), 405, 'method_not_allowed'],
  ['DELETE on the webhook', () => method('DELETE'), 405, 'method_not_allowed'],
  ['OPTIONS on the webhook', () => method('OPTIONS'), 405, 'method_not_allowed'],
  ['POST on /healthz', () => method('POST', '/healthz'), 405, 'method_not_allowed'],
  ['POST to an unknown path', () => method('POST', '/webhooks/github'), 404, 'not_found'],
  ['path traversal', () => raw(['GET /../../etc/passwd HTTP/1.1', 'Host: x']), 404, 'not_found'],
  ['broken percent-encoding', () => raw(['POST /webhooks/%E0%A4%A HTTP/1.1', 'Host: x', 'Content-Length: 0']), 404, 'not_found'],
  ['absolute-form URL to another host', () => raw(['GET http://169.254.169.254/latest HTTP/1.1', 'Host: x']), 404, 'not_found'],
];

const cases = table.map(([name, send, status, code, calls]) => ({ name, send, status, code, calls: calls ?? (status === 202 ? 1 : 0) }));

describe('hostile requests', () => {
  it('has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('$name → $status $code, and the next valid request is accepted', async ({ send, status, code, calls }) => {
    const before = app.calls.length;
    const got = await send();
    expect(got).toEqual({ status, code });
    expect(app.calls.length).toBe(before + calls);
    const body = valid();
    const after = await signed(body);
    expect(after).toEqual({ status: 202, code: undefined });
  });

  it('never pollutes Object.prototype', () => {
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).p).toBeUndefined();
  });

  it('never answers with a stack trace or echoes a secret', async () => {
    const r = await post(app.url, '{', authHeaders('{'));
    const text = JSON.stringify(r.json);
    expect(text).not.toMatch(/at .*\.(ts|js):\d+/);
    expect(app.logs.join('')).not.toContain(API_KEY);
    expect(app.logs.join('')).not.toContain(SECRET.slice(6));
  });
});
