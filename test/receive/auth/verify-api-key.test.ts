import { describe, expect, it } from 'vitest';
import { verifyApiKey } from '../../../src/receive/auth/verify-api-key.js';

const cfg = { header: 'x-api-key', key: 'correct-horse-battery-staple' };

describe('verifyApiKey', () => {
  it.each([
    ['the right key', { 'x-api-key': 'correct-horse-battery-staple' }, { ok: true }],
    ['a wrong key of the same length', { 'x-api-key': 'correct-horse-battery-stapLe' }, { ok: false, reason: 'wrong x-api-key' }],
    ['a shorter key', { 'x-api-key': 'correct' }, { ok: false, reason: 'wrong x-api-key' }],
    ['a longer key', { 'x-api-key': 'correct-horse-battery-staple-and-more' }, { ok: false, reason: 'wrong x-api-key' }],
    ['an empty key', { 'x-api-key': '' }, { ok: false, reason: 'wrong x-api-key' }],
    ['no header', {}, { ok: false, reason: 'missing x-api-key header' }],
    ['the header sent twice', { 'x-api-key': ['correct-horse-battery-staple', 'x'] }, { ok: false, reason: 'missing x-api-key header' }],
  ])('%s', (_name, headers, expected) => {
    expect(verifyApiKey(cfg, headers)).toEqual(expected);
  });

  it('reads a configured header name', () => {
    const custom = { header: 'x-returning-key', key: 'k' };
    expect(verifyApiKey(custom, { 'x-returning-key': 'k' })).toEqual({ ok: true });
    expect(verifyApiKey(custom, { 'x-api-key': 'k' })).toEqual({ ok: false, reason: 'missing x-returning-key header' });
  });
});
