import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/log.js';
import { createSecretScrubber } from '../../src/secret-scrubber.js';
import { captureLog } from './capture-log.js';

const SECRET = 'S3cr3t-value-0123456789';
const WEBHOOK = `https://discord.com/api/webhooks/333333333333333333/${SECRET}`;

/** A discord.js DiscordAPIError as it is thrown: the request URL and body ride along on the error. */
const discordError = Object.assign(new Error('Unknown Webhook'), { url: WEBHOOK, requestBody: { json: { content: 'hi' } }, status: 404, code: 10015 });

describe('createLogger redaction', () => {
  it.each([
    ['an authorization request header', { req: { headers: { authorization: `Bearer ${SECRET}` } } }],
    ['an API key header', { headers: { 'x-api-key': SECRET } }],
    ['a webhook-signature header one level down', { request: { headers: { 'webhook-signature': `v1,${SECRET}` } } }],
    ['a token field', { destination: { token: SECRET } }],
    ['a bot_token field', { bot_token: SECRET }],
    ['an access token', { config: { accessToken: SECRET } }],
    ['resolved secrets', { secrets: { token: SECRET } }],
    ['a webhook_url field', { destination: { webhook_url: WEBHOOK } }],
    ['a webhookUrl field', { client: { webhookUrl: WEBHOOK } }],
    ["a discord.js error's url and request body", { err: discordError }],
  ])('keeps %s out of the output', (_what, fields) => {
    const captured = captureLog('info');
    captured.log.error(fields, 'something');
    expect(captured.raw).toHaveLength(1);
    expect(captured.raw[0]).not.toContain(SECRET);
    expect(captured.raw[0]).toContain('[redacted]');
  });

  it('keeps what is not a secret: the error message, status and code', () => {
    const captured = captureLog('info');
    captured.log.error({ err: discordError }, 'send failed');
    expect(captured.lines()[0]).toMatchObject({ err: { type: 'Error', message: 'Unknown Webhook', status: 404, code: 10015, url: '[redacted]' } });
  });

  it("names an error's own class (not \"Object\") once it is redacted", () => {
    const captured = captureLog('info');
    captured.log.error({ err: new TypeError('boom') }, 'failed');
    expect(captured.lines()[0]?.err).toMatchObject({ type: 'TypeError', message: 'boom' });
  });
});

describe('createLogger redaction by value', () => {
  const scrubber = createSecretScrubber([SECRET]);
  it.each<[string, () => unknown[]]>([
    ['a field under an innocent key', () => [{ reason: `vendor said: bad token ${SECRET}` }, 'dead letter']],
    ['an array element', () => [{ notes: ['a', `x${SECRET}y`] }, 'm']],
    ['an error message and stack', () => [{ err: new Error(`proxy echoed Bot ${SECRET}`) }, 'send failed']],
    ['the message string', () => [`token ${SECRET} refused`]],
    ['a printf argument', () => [{}, 'token %s refused', SECRET]],
  ])('cuts a known secret out of %s', (_what, args) => {
    const captured = captureLog('info', scrubber.scrub);
    (captured.log.warn as (...a: unknown[]) => void)(...args());
    expect(captured.raw).toHaveLength(1);
    expect(captured.raw[0]).not.toContain(SECRET);
    expect(captured.raw[0]).toContain('[redacted]');
  });

  it('follows secrets added later (a reload)', () => {
    const later = createSecretScrubber();
    const captured = captureLog('info', later.scrub);
    captured.log.info({ reason: SECRET }, 'before');
    later.add([SECRET]);
    captured.log.info({ reason: SECRET }, 'after');
    expect(captured.lines().map((l) => l.reason)).toEqual([SECRET, '[redacted]']);
  });
});

describe('redactSecrets', () => {
  it('censors secret keys at any depth and in arrays, case-insensitively', () => {
    const input = { a: { b: { c: [{ Token: SECRET }, { ok: 1 }] } }, Authorization: SECRET };
    expect(redactSecrets(input)).toEqual({ a: { b: { c: [{ Token: '[redacted]' }, { ok: 1 }] } }, Authorization: '[redacted]' });
  });

  it('never mutates what it was given, and returns objects without secrets as they are', () => {
    const input = { destination: { token: SECRET }, other: { kept: true } };
    const out = redactSecrets(input) as typeof input;
    expect(input.destination.token).toBe(SECRET);
    expect(out.other).toBe(input.other);
    const clean = { eventId: 'e1', request: { channel: '#c', text: 'hi' } };
    expect(redactSecrets(clean)).toBe(clean);
  });

  it("censors an error's request url but not a url elsewhere", () => {
    expect(redactSecrets({ url: 'http://127.0.0.1:3000' })).toEqual({ url: 'http://127.0.0.1:3000' });
    expect(redactSecrets({ err: discordError })).toMatchObject({ err: { url: '[redacted]', requestBody: '[redacted]', message: 'Unknown Webhook' } });
  });
});
