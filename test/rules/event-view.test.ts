import { describe, expect, it } from 'vitest';
import type { BridgeEvent, JsonObject } from '../../src/events/event.js';
import { eventView } from '../../src/rules/event-view.js';
import { getPath } from '../../src/rules/get-path.js';
import { visitPayload } from './visit-event.js';

const event = (payload: JsonObject, type: BridgeEvent['type'] = 'user.visited'): BridgeEvent => ({ id: 'evt-1', type, name: 'User Visits Server', payload });

describe('eventView', () => {
  it('adds the derived fields to the docs sample', () => {
    const view = eventView(event(visitPayload()));
    expect(getPath(view, 'user.email_domain')).toBe('example.com');
    expect(getPath(view, 'owner.email_domain')).toBe('example.com');
    expect(getPath(view, 'event.type')).toBe('user.visited');
    expect(getPath(view, 'event.id')).toBe('evt-1');
    expect(getPath(view, 'event.name')).toBe('User Visits Server');
    expect(getPath(view, 'user.name')).toBe('Jane Doe');
  });

  it('neither mutates the payload nor copies untouched objects', () => {
    const payload = visitPayload();
    const view = eventView(event(payload));
    expect(payload).toEqual(visitPayload());
    expect(view['server']).toBe(payload['server']);
    expect(view['user']).not.toBe(payload['user']);
    expect(Object.getPrototypeOf(view)).toBeNull();
    expect(Object.getPrototypeOf(view['user'])).toBeNull();
    expect(Object.getPrototypeOf(view['event'])).toBeNull();
  });

  it.each([
    ['JaneDoe@Example.COM', 'example.com'],
    ['"a@b"@Mail.Example.org', 'mail.example.org'],
    ['no-at-sign', undefined],
    ['trailing@', undefined],
    ['', undefined],
    [42, undefined],
    [null, undefined],
  ])('derives user.email_domain from %j as %j', (email, domain) => {
    const view = eventView(event({ user: { id: '1', email } }));
    expect(getPath(view, 'user.email_domain')).toBe(domain);
  });

  it('drops a sender-supplied email_domain when there is no email, and overrides it when there is', () => {
    expect(getPath(eventView(event({ user: { id: '1', email_domain: 'vip.com' } })), 'user.email_domain')).toBeUndefined();
    expect(getPath(eventView(event({ owner: { id: '1', email: 'a@real.com', email_domain: 'vip.com' } })), 'owner.email_domain')).toBe('real.com');
  });

  it('overrides event.type and event.id from the payload', () => {
    const view = eventView(event({ event: { name: 'User Visits Server', type: 'forged', id: 'forged' } }));
    expect(getPath(view, 'event')).toEqual({ name: 'User Visits Server', type: 'user.visited', id: 'evt-1' });
  });

  it('copes with unknown events missing the envelope', () => {
    const view = eventView(event({ user: 'not an object', owner: ['x'] }, 'unknown'));
    expect(view['user']).toBe('not an object');
    expect(view['owner']).toEqual(['x']);
    expect(getPath(view, 'event')).toEqual({ type: 'unknown', id: 'evt-1' });
  });

  it('keeps JSON.parse __proto__ keys as inert data that rule paths cannot reach', () => {
    const payload = JSON.parse('{"__proto__":{"polluted":true},"user":{"email":"a@b.com","__proto__":{"admin":true}},"event":{"name":"x","__proto__":{"type":"forged"}}}') as JsonObject;
    const view = eventView(event(payload, 'unknown'));
    expect(getPath(view, '__proto__.polluted')).toBeUndefined();
    expect(getPath(view, 'polluted')).toBeUndefined();
    expect(getPath(view, 'user.admin')).toBeUndefined();
    expect(getPath(view, 'user.__proto__.admin')).toBeUndefined();
    expect(getPath(view, 'event.type')).toBe('unknown');
    expect(Object.getPrototypeOf(view['user'])).toBeNull();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
  });
});
