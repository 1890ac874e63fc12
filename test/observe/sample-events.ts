import { readFileSync } from 'node:fs';

/** Events for the operations tests, built from the docs' sample visit (test/fixtures/events/visit.json). */

type Event = Record<string, any>;

const docsVisit = (): Event => JSON.parse(readFileSync(new URL('../fixtures/events/visit.json', import.meta.url), 'utf8')) as Event;

/** A visit by `email`; a distinct `date` makes a distinct event (its content id). */
export function visitBy(email: string, date: string, name = 'Jane Doe'): Event {
  const v = docsVisit();
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
