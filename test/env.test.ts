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

  it.each([
    [{ CONSOLE_PASSWORD: '', CONSOLE_TOKEN: '' }, { ok: true, password: undefined, token: undefined }],
    [{ CONSOLE_PASSWORD: 'twelve chars', CONSOLE_TOKEN: 't'.repeat(24) }, { ok: true, password: 'twelve chars', token: 't'.repeat(24) }],
    [{ CONSOLE_PASSWORD: 'short', CONSOLE_TOKEN: 'short' }, { ok: false, errors: ['environment CONSOLE_PASSWORD: must be at least 12 characters', 'environment CONSOLE_TOKEN: must be at least 24 characters'] }],
  ])('console secrets %j', (env, expected) => {
    const r = readEnv(env);
    expect(r.ok ? { ok: true, password: r.settings.CONSOLE_PASSWORD, token: r.settings.CONSOLE_TOKEN } : r).toEqual(expected);
  });
});
