import { describe, expect, it } from 'vitest';
import { readEnv } from '../src/env.js';

describe('readEnv', () => {
  it('keeps every *_API_URL a destination kind may name, without a trailing slash', () => {
    const r = readEnv({ RETURNING_AI_API_URL: 'http://127.0.0.1:9004/', SLACK_API_URL: 'http://127.0.0.1:9001/api', NOT_AN_API: 'x' });
    expect(r.ok && r.settings.apiUrls).toEqual({ RETURNING_AI_API_URL: 'http://127.0.0.1:9004', SLACK_API_URL: 'http://127.0.0.1:9001/api' });
  });

  it('refuses an *_API_URL that is not a URL, with the other errors', () => {
    expect(readEnv({ RETURNING_AI_API_URL: 'integration.returning.ai', PORT: 'x' })).toEqual({
      ok: false,
      errors: ['environment PORT: Invalid input: expected number, received NaN', 'environment RETURNING_AI_API_URL: Invalid URL'],
    });
  });
});
