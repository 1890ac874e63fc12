import type pg from 'pg';
import type { ForgetPerson, ForgetResult, Person } from '../forget-person.js';
import { keyNames } from '../sqlite-forget-person.js';
import { inTransaction } from './pg-pool.js';
import { fromPgText } from './pg-text.js';

/**
 * Forgets a person on PostgreSQL, as on SQLite (sqlite-forget-person.ts): their events (by
 * `user.email`, any case, or `user.id`), those events' jobs, decisions, dedupe rows and digest
 * items, and every state record whose key names one of their emails or ids, in one transaction.
 * The events are locked first, so a planner cannot plan one of them while it goes.
 */
export function createPgForgetPerson(pool: pg.Pool): ForgetPerson {
  return (person: Person) =>
    inTransaction(pool, async (tx): Promise<ForgetResult> => {
      const { rows } = await tx.query<{ seq: number; id: string; payload: string }>(
        `SELECT seq, id, payload FROM events
         WHERE ($1::text IS NOT NULL AND lower((payload::jsonb) -> 'user' ->> 'email') = lower($1))
            OR ($2::text IS NOT NULL AND (payload::jsonb) -> 'user' ->> 'id' = $2)
         ORDER BY seq FOR UPDATE`,
        [person.email ?? null, person.userId ?? null],
      );
      const identities = new Set<string>();
      if (person.email !== undefined) identities.add(person.email.toLowerCase());
      if (person.userId !== undefined) identities.add(person.userId);
      for (const { payload } of rows) {
        const user = (JSON.parse(payload) as { user?: { email?: unknown; id?: unknown } }).user;
        if (typeof user?.email === 'string' && user.email !== '') identities.add(user.email.toLowerCase());
        if ((typeof user?.id === 'string' && user.id !== '') || typeof user?.id === 'number') identities.add(String(user.id));
      }
      const seqs = rows.map((r) => r.seq);
      const ids = rows.map((r) => r.id);
      const count = async (sql: string, values: unknown[]): Promise<number> => (await tx.query(sql, values)).rowCount ?? 0;
      const digestItems = await count('DELETE FROM digest_items WHERE event_seq = ANY($1::bigint[])', [seqs]);
      const jobs = await count('DELETE FROM jobs WHERE event_seq = ANY($1::bigint[])', [seqs]);
      const decisions = await count('DELETE FROM decisions WHERE event_seq = ANY($1::bigint[])', [seqs]);
      await tx.query('DELETE FROM events WHERE seq = ANY($1::bigint[])', [seqs]);
      const dedupe = await count('DELETE FROM dedupe WHERE event_id = ANY($1::text[])', [ids]);
      const keys = await tx.query<{ scope: string; key: string }>('SELECT scope, key FROM state');
      const named = keys.rows.filter(({ key }) => [...identities].some((v) => keyNames(fromPgText(key), v)));
      const state = named.length === 0 ? 0 : await count(
        'DELETE FROM state s USING unnest($1::text[], $2::text[]) AS k (scope, key) WHERE s.scope = k.scope AND s.key = k.key',
        [named.map((k) => k.scope), named.map((k) => k.key)],
      );
      return { identities: [...identities], events: rows.length, jobs, decisions, state, dedupe, digestItems };
    });
}
