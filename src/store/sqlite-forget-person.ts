import type { Database } from 'better-sqlite3';
import type { ForgetPerson, ForgetResult, Person } from './forget-person.js';

// Characters that may belong to an email or id: a match inside a longer run of them (id 12 in
// u1234) is some other key, not this person's.
const WORDISH = /[A-Za-z0-9@._+-]/;

/** `key` names `value` as a whole token: memory keys are `<template>|<value>`, memos `<dest>\0<kind>:<value>`. */
export function keyNames(key: string, value: string): boolean {
  const k = key.toLowerCase();
  const v = value.toLowerCase();
  for (let at = k.indexOf(v); at !== -1; at = k.indexOf(v, at + 1)) {
    const before = at === 0 ? '' : (k[at - 1] as string);
    const after = at + v.length >= k.length ? '' : (k[at + v.length] as string);
    if (!WORDISH.test(before) && !WORDISH.test(after)) return true;
  }
  return false;
}

/**
 * Forgets a person on SQLite: their events (by `user.email`, any case, or `user.id`), those
 * events' jobs (whose stored requests hold their data), decisions, dedupe rows and digest items, and every
 * state record (counts, cooldowns, thread and note memos) whose key names one of their emails or
 * ids. One IMMEDIATE transaction; the planner's cursor is lowered as history pruning does, so a
 * new event's reused seq is never behind it.
 */
export function createSqliteForgetPerson(db: Database): ForgetPerson {
  const byEmail = db.prepare<[string], { seq: number; id: string; payload: string }>(
    "SELECT seq, id, payload FROM events WHERE lower(json_extract(payload, '$.user.email')) = lower(?)",
  );
  const byUserId = db.prepare<[string], { seq: number; id: string; payload: string }>(
    "SELECT seq, id, payload FROM events WHERE CAST(json_extract(payload, '$.user.id') AS TEXT) = ?",
  );
  const deleteJobs = db.prepare('DELETE FROM jobs WHERE event_seq = ?');
  const deleteDecision = db.prepare('DELETE FROM decisions WHERE event_seq = ?');
  const deleteEvent = db.prepare('DELETE FROM events WHERE seq = ?');
  const deleteDedupe = db.prepare('DELETE FROM dedupe WHERE event_id = ?');
  const deleteItems = db.prepare('DELETE FROM digest_items WHERE event_seq = ?');
  const stateKeys = db.prepare<[], { scope: string; key: string }>('SELECT scope, key FROM state');
  const deleteState = db.prepare('DELETE FROM state WHERE scope = ? AND key = ?');
  const lowerCursor = db.prepare('UPDATE planner SET planned_seq = MIN(planned_seq, COALESCE((SELECT MAX(seq) FROM events), 0))');

  const forget = db.transaction((person: Person): ForgetResult => {
    const rows = new Map<number, { id: string; payload: string }>();
    if (person.email !== undefined) for (const r of byEmail.all(person.email)) rows.set(r.seq, r);
    if (person.userId !== undefined) for (const r of byUserId.all(person.userId)) rows.set(r.seq, r);
    const identities = new Set<string>();
    if (person.email !== undefined) identities.add(person.email.toLowerCase());
    if (person.userId !== undefined) identities.add(person.userId);
    for (const { payload } of rows.values()) {
      const user = (JSON.parse(payload) as { user?: { email?: unknown; id?: unknown } }).user;
      if (typeof user?.email === 'string' && user.email !== '') identities.add(user.email.toLowerCase());
      if ((typeof user?.id === 'string' && user.id !== '') || typeof user?.id === 'number') identities.add(String(user.id));
    }
    let jobs = 0;
    let decisions = 0;
    let dedupe = 0;
    let digestItems = 0;
    for (const [seq, { id }] of rows) {
      digestItems += deleteItems.run(seq).changes;
      jobs += deleteJobs.run(seq).changes;
      decisions += deleteDecision.run(seq).changes;
      deleteEvent.run(seq);
      dedupe += deleteDedupe.run(id).changes;
    }
    if (rows.size > 0) lowerCursor.run();
    let state = 0;
    for (const { scope, key } of stateKeys.all()) {
      if ([...identities].some((v) => keyNames(key, v))) state += deleteState.run(scope, key).changes;
    }
    return { identities: [...identities], events: rows.size, jobs, decisions, state, dedupe, digestItems };
  });
  return (person) => Promise.resolve(forget.immediate(person));
}
