import { describe, expect, it } from 'vitest';
import { createSecretScrubber } from '../src/secret-scrubber.js';

const WEBHOOK_TOKEN = 'aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3hJ5kL7nP9rS1tV3xZ5';
const WEBHOOK = `https://discord.com/api/webhooks/123456789012345678/${WEBHOOK_TOKEN}`;
const SLACK_HOOK = 'https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/XXXXXXXXXXXXXXXXXXXXXXXX';

describe('createSecretScrubber', () => {
  const scrubber = createSecretScrubber(['xoxb-1234-5678-abcdefghij', WEBHOOK, SLACK_HOOK, 'key+with/odd=chars', 'short']);
  it.each<[string, string, string]>([
    ['a token', 'invalid token xoxb-1234-5678-abcdefghij!', 'invalid token [redacted]!'],
    ['every occurrence', 'xoxb-1234-5678-abcdefghij and xoxb-1234-5678-abcdefghij', '[redacted] and [redacted]'],
    ['a webhook URL whole', `POST ${WEBHOOK}?wait=true failed`, 'POST [redacted]?wait=true failed'],
    ["a webhook URL's path token alone", `{"message":"bad token ${WEBHOOK_TOKEN}"}`, '{"message":"bad token [redacted]"}'],
    ["a webhook URL's id", 'webhook 123456789012345678 unknown', 'webhook [redacted] unknown'],
    ["a Slack webhook URL's token", 'no_service XXXXXXXXXXXXXXXXXXXXXXXX', 'no_service [redacted]'],
    ['a URL-encoded secret', 'key=key%2Bwith%2Fodd%3Dchars', 'key=[redacted]'],
    ['a secret with regex characters', 'got key+with/odd=chars', 'got [redacted]'],
    // Values under 8 characters, and plain words of a URL's path, would censor ordinary text.
    ['nothing short or plain', 'a short api/webhooks/services call', 'a short api/webhooks/services call'],
    ['nothing when nothing matches', 'discord 404 (code 10015: Unknown Webhook)', 'discord 404 (code 10015: Unknown Webhook)'],
  ])('cuts %s', (_what, text, expected) => {
    expect(scrubber.scrub(text)).toBe(expected);
  });

  it('keeps earlier secrets when new ones are added', () => {
    const s = createSecretScrubber(['old-token-123456']);
    s.add(['new-token-654321']);
    expect(s.scrub('old-token-123456 new-token-654321')).toBe('[redacted] [redacted]');
  });

  it('returns the text itself when it knows no secret', () => {
    const text = 'anything at all';
    expect(createSecretScrubber().scrub(text)).toBe(text);
  });
});
