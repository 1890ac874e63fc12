import { describe, expect, it } from 'vitest';
import type { BridgeEvent } from '../../src/events/event.js';
import type { EventType } from '../../src/events/event-types.js';
import { compileOn, isSubscribed, onEntryError } from '../../src/rules/compile-on.js';

const ev = (type: EventType, name: string): BridgeEvent => ({ id: 'e', type, name, payload: {} });
const visit = ev('user.visited', 'User Visits Server');
const join = ev('user.joined', 'User Joins Server');
const badge = ev('unknown', 'Badge Awarded');

describe('on', () => {
  it.each<[string | string[], BridgeEvent, boolean]>([
    ['user.visited', visit, true],
    ['user.visited', join, false],
    [['user.joined', 'user.visited'], visit, true],
    [['user.joined', 'message.posted'], visit, false],
    ['*', visit, true],
    ['*', join, true],
    ['*', ev('store.purchased', 'Purchased Store Item'), true],
    ['*', badge, false],
    ['unknown', badge, true],
    ['unknown', visit, false],
    [['*', 'unknown'], badge, true],
    ['event:Badge Awarded', badge, true],
    ['event:badge awarded', badge, false],
    ['event:User Visits Server', visit, true],
    ['event:User Visits server', visit, false],
    ['event:User Visits Server', join, false],
  ])('%j on a %s event → %s', (on, event, subscribed) => {
    expect(isSubscribed(compileOn(on), event)).toBe(subscribed);
  });

  it.each([
    ['user.visited', undefined],
    ['*', undefined],
    ['unknown', undefined],
    ['event:Anything At All', undefined],
    ['event:', '"event:" needs an event name, e.g. "event:User Visits Server"'],
    [
      'user.visits',
      'unknown event type "user.visits"; use one of user.joined, user.visited, message.posted, message.posted_to_channel, store.purchased, *, unknown or "event:<exact event.name>"',
    ],
  ])('onEntryError(%j) is %j', (entry, error) => {
    expect(onEntryError(entry)).toBe(error);
  });

  it('refuses to compile an invalid entry', () => {
    expect(() => compileOn(['user.visited', 'User Visits Server'])).toThrow(
      'unknown event type "User Visits Server"; use one of user.joined, user.visited, message.posted, message.posted_to_channel, store.purchased, *, unknown or "event:<exact event.name>"',
    );
  });
});
