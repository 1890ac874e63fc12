import { readFileSync } from 'node:fs';

/** Events for the operations tests, built from the docs' sample visit (test/fixtures/events/visit.json). */

type Event = Record<string, any>;

const docsVisit = (): Event => JSON.parse(readFileSync(new URL('../fixtures/events/visit.json', import.meta.url), 'utf8')) as Event;

/**
 * A visit by `email`; a distinct `date` makes a distinct event (its content id). Each email is its
 * own user (`user.id` is derived from it, the docs' visitor keeping hers), so the bundled rules'
 * memory (a cooldown per VIP, visit counts) sees different people as different.
 */
export function visitBy(email: string, date: string, name = 'Jane Doe', id = userIdOf(email)): Event {
  const v = docsVisit();
  v.user.id = id;
  v.user.email = email;
  v.user.name = name;
  v.date = date;
  return v;
}

/** A user joining; `date` keeps events distinct. */
export function joinOf(name: string, date: string): Event {
  const v = docsVisit();
  v.user.name = name;
  v.date = date;
  v.event = { name: 'User Joins Server', description: 'Triggers when a user joins the server' };
  return v;
}

/** The docs' visitor keeps her id (`1234`); anyone else gets one of their own. */
export function userIdOf(email: string): string {
  return email === 'janedoe@example.com' ? '1234' : `u-${email.toLowerCase()}`;
}
