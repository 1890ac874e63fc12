import { describe, expect, it } from 'vitest';
import { contentId } from '../../src/events/content-id.js';
import { eventTypeOf } from '../../src/events/event-types.js';
import { isKnownField } from '../../src/events/fields.js';
import { parseEvent } from '../../src/events/parse-event.js';
import { visitPayload } from '../rules/visit-event.js';

const withEvent = (name: string, extra: Record<string, unknown> = {}) => ({ ...visitPayload(), event: { name }, ...extra });

describe('eventTypeOf', () => {
  it.each([
    ['User Visits Server', 'user.visited'],
    ['User Visits server', 'user.visited'],
    ['  user   joins  SERVER ', 'user.joined'],
    ['New Message Posted Anywhere', 'message.posted'],
    ['New Message Posted To Channel', 'message.posted_to_channel'],
    ['Purchased Store Item', 'store.purchased'],
    ['Member Leveled Up', 'unknown'],
    ['constructor', 'unknown'],
    ['__proto__', 'unknown'],
    ['toString', 'unknown'],
  ])('%j → %s', (name, type) => {
    expect(eventTypeOf(name)).toBe(type);
  });
});

describe('parseEvent', () => {
  it("accepts the docs' visit, with a content id when there is no delivery id", () => {
    const r = parseEvent(visitPayload());
    expect(r.ok && { type: r.event.type, name: r.event.name, id: r.event.id }).toEqual({ type: 'user.visited', name: 'User Visits Server', id: contentId(visitPayload()) });
  });

  it('uses the delivery id when there is one', () => {
    const r = parseEvent(visitPayload(), 'msg_123');
    expect(r.ok && r.event.id).toBe('msg_123');
  });

  it.each<[string, unknown, { path: string; message: string }[]]>([
    ['a visit with a bad email', { ...visitPayload(), user: { ...visitPayload().user as object, email: 'nope' } }, [{ path: 'user.email', message: 'Invalid email address' }]],
    ['a visit without a date', (({ date: _d, ...rest }) => rest)(visitPayload()), [{ path: 'date', message: 'Invalid input: expected string, received undefined' }]],
    ['a join without a server id', withEvent('User Joins Server', { server: { name: 'S' } }), [{ path: 'server.id', message: 'Invalid input: expected string, received undefined' }]],
    ['an array', [1, 2], [{ path: '', message: 'expected a JSON object' }]],
    ['no event name', { user: { id: '1' } }, [{ path: 'event', message: 'Invalid input: expected object, received undefined' }]],
  ])('refuses %s, naming the path', (_what, body, issues) => {
    expect(parseEvent(body)).toEqual({ ok: false, issues });
  });

  it('keeps the extra fields of an undocumented event', () => {
    const r = parseEvent(withEvent('New Message Posted Anywhere', { message: { id: 'm1', content: 'hi' } }));
    expect(r.ok && [r.event.type, r.event.payload.message]).toEqual(['message.posted', { id: 'm1', content: 'hi' }]);
  });

  it('accepts an unknown event with nothing but its name', () => {
    const r = parseEvent({ event: { name: 'Member Leveled Up' }, level: 7 });
    expect(r.ok && [r.event.type, r.event.name, r.event.payload.level]).toEqual(['unknown', 'Member Leveled Up', 7]);
  });
});

describe('contentId', () => {
  it('is the same whatever the key order, and changes with the content', () => {
    expect(contentId({ a: 1, b: { c: 2, d: [1, 2] } })).toBe(contentId({ b: { d: [1, 2], c: 2 }, a: 1 }));
    expect(contentId({ a: 1 })).not.toBe(contentId({ a: 2 }));
    expect(contentId({ a: 1 })).toMatch(/^c_[0-9a-f]{32}$/);
  });
});

describe('isKnownField', () => {
  it.each<[Parameters<typeof isKnownField>[0], string, boolean]>([
    ['user.visited', 'user.email', true],
    ['user.visited', 'user.email_domain', true],
    ['user.visited', 'user', true],
    ['user.visited', 'user.emial', false],
    ['user.visited', 'message.content', false],
    ['message.posted', 'message.content', true],
    ['message.posted', 'user.emial', false],
    ['unknown', 'anything.at.all', true],
  ])('%s %s → %s', (type, path, known) => {
    expect(isKnownField(type, path)).toBe(known);
  });
});
