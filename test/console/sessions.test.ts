import { describe, expect, it } from 'vitest';
import { createSessions } from '../../src/console/sessions.js';

describe('createSessions', () => {
  it('keeps a session until it expires, with random ids and CSRF tokens', () => {
    let t = 0;
    const sessions = createSessions({ now: () => t, ttlMs: 1000 });
    const a = sessions.create();
    const b = sessions.create();
    expect(a.id).not.toBe(b.id);
    expect(a.csrf).not.toBe(a.id);
    expect(sessions.get(a.id)).toEqual(a);
    t = 999;
    expect(sessions.get(a.id)).toBe(a);
    t = 1000;
    expect(sessions.get(a.id)).toBeUndefined();
    expect(sessions.get(undefined)).toBeUndefined();
  });

  it('forgets a deleted session, and the oldest when full', () => {
    const sessions = createSessions({ now: () => 0, ttlMs: 1000, max: 2 });
    const a = sessions.create();
    const b = sessions.create();
    const c = sessions.create();
    expect([sessions.get(a.id), sessions.get(b.id), sessions.get(c.id)]).toEqual([undefined, b, c]);
    sessions.delete(b.id);
    expect(sessions.get(b.id)).toBeUndefined();
  });
});
