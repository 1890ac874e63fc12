import { describe, expect, it } from 'vitest';
import { redactHeaders } from '../../src/receive/delivery-headers.js';
import { createSecretScrubber } from '../../src/secret-scrubber.js';

const SLACK_TOKEN = 'xoxb-123456789012-abcdefABCDEF';
const scrubber = createSecretScrubber([SLACK_TOKEN, 'the-api-key-value-1234']);
const isSecret = (v: string): boolean => scrubber.scrub(v) !== v;

describe('redactHeaders: what the intake stores of a delivery’s headers', () => {
  it.each([
    ['content-type', 'application/json', 'application/json'],
    ['webhook-id', 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W'],
    ['webhook-timestamp', '1700000000', '1700000000'],
    ['user-agent', 'Svix-Webhooks/1.0', 'Svix-Webhooks/1.0'],
    ['webhook-signature', 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=', '[redacted]'],
    ['x-hub-signature-256', 'sha256=abc', '[redacted]'],
    ['authorization', 'Bearer anything', '[redacted]'],
    ['proxy-authorization', 'Basic dXNlcjpwYXNz', '[redacted]'],
    ['cookie', 'session=abc', '[redacted]'],
    ['x-auth-token', 'short', '[redacted]'],
    ['x-api-key', 'k', '[redacted]'],
    // The configured API-key header, whatever its name, and any value holding a configured secret.
    ['x-returning-key', 'the-api-key-value-1234', '[redacted]'],
    ['x-debug', `forwarded with ${SLACK_TOKEN} inside`, '[redacted]'],
  ])('%s: %s → %s', (name, value, stored) => {
    expect(redactHeaders({ [name]: value }, { secretHeaders: ['X-Returning-Key'], isSecret })).toEqual({ [name]: stored });
  });

  it('joins a repeated header and skips absent ones', () => {
    expect(redactHeaders({ 'x-forwarded-for': ['10.0.0.1', '10.0.0.2'], 'x-gone': undefined }, { secretHeaders: [], isSecret })).toEqual({ 'x-forwarded-for': '10.0.0.1, 10.0.0.2' });
  });
});
