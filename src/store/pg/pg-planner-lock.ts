import type pg from 'pg';
import type { Logger } from '../../log.js';
import { createPgClient, LOCK_CLASS, LOCKS } from './pg-pool.js';

/** Who may plan: at most one process per database at a time. */
export interface PlannerLock {
  /** True if this process holds the lock now (taking it if it is free). */
  acquire(): Promise<boolean>;
  /**
   * Inside a planning transaction: throws unless this process still holds the lock, so a batch
   * planned by a process that lost it (its lock connection dropped) is never committed.
   */
  assertHeld(client: pg.ClientBase): Promise<void>;
  close(): Promise<void>;
}

/**
 * The planner lock is a session advisory lock held by a connection of its own. Planning reads
 * state (cooldowns, counts, dedupe-by-rule), decides, and writes it back; two planners at once
 * would both see a cooldown free and both send. Rather than a lease row with a heartbeat, the lock
 * lives as long as its connection: a process that dies (kill -9 included) drops the connection,
 * and PostgreSQL frees the lock at once, so another process's next try (within `retryMs`) takes over. Each commit
 * checks in pg_locks that the holder's backend still holds it (a fencing check), so a process
 * whose lock connection broke mid-batch cannot commit what it planned under it.
 */
export function createPlannerLock(url: string, log: Logger, opts: { readonly now: () => number; readonly retryMs?: number }): PlannerLock {
  // Every commit anywhere wakes every planner (NOTIFY): a bridge refused the lock asks again only
  // after `retryMs` (the planner's poll), not once per wake, or N bridges would each ask per batch.
  const retryMs = opts.retryMs ?? 1000;
  let refusedAt = Number.NEGATIVE_INFINITY;
  let client: pg.Client | undefined;
  let backendPid: number | undefined;
  let held = false;
  let closed = false;
  let connecting: Promise<void> | undefined;

  function drop(): void {
    const c = client;
    client = undefined;
    backendPid = undefined;
    held = false;
    c?.end().catch(() => undefined);
  }

  async function connect(): Promise<void> {
    const c = createPgClient(url);
    c.on('error', (err) => {
      if (held) log.warn({ err }, 'planner lock connection lost; another bridge may plan now');
      if (client === c) drop();
    });
    await c.connect();
    const { rows } = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    client = c;
    backendPid = rows[0]?.pid;
  }

  return {
    async acquire() {
      if (closed) return false;
      if (held && client !== undefined) return true;
      if (opts.now() - refusedAt < retryMs) return false;
      try {
        if (client === undefined) {
          connecting ??= connect().finally(() => (connecting = undefined));
          await connecting;
        }
        const c = client as pg.Client | undefined;
        if (c === undefined) return false;
        const { rows } = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [LOCK_CLASS, LOCKS.planner]);
        held = rows[0]?.ok === true;
        if (held) log.info('this bridge plans (it holds the planner lock)');
        else refusedAt = opts.now();
        return held;
      } catch (err) {
        log.warn({ err }, 'cannot take the planner lock');
        drop();
        return false;
      }
    },
    async assertHeld(tx) {
      const pid = backendPid;
      const { rows } = await tx.query<{ ok: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = $2
           AND objsubid = 2 AND pid = $3 AND granted) AS ok`,
        [LOCK_CLASS, LOCKS.planner, pid ?? -1],
      );
      if (!held || rows[0]?.ok !== true) {
        held = false;
        throw new Error('this bridge no longer holds the planner lock; the batch is left to the one that does');
      }
    },
    async close() {
      closed = true;
      await connecting?.catch(() => undefined);
      const c = client;
      client = undefined;
      held = false;
      await c?.end().catch(() => undefined);
    },
  };
}
