import type { Logger } from '../../log.js';
import { createPgClient } from './pg-pool.js';

/** The channels the store notifies on (pg_notify inside the committing transaction, so only commits are heard). */
export const CHANNELS = {
  /** Events were stored: a planner may have work. */
  events: 'bridge_events',
  /** Jobs became due now (planned, flushed from a digest, replayed): a lane owner may have work. */
  jobs: 'bridge_jobs',
} as const;
export type Channel = keyof typeof CHANNELS;

/** Notifies `channel` when the transaction `q` runs in commits (at once outside one). */
export async function notify(q: { query(sql: string, values: unknown[]): Promise<unknown> }, channel: Channel): Promise<void> {
  await q.query('SELECT pg_notify($1, $2)', [CHANNELS[channel], '']);
}

export interface PgListener {
  close(): Promise<void>;
}

/**
 * LISTENs on the store's channels over a connection of its own and calls `on(channel)` for each
 * notification (README "Scaling out": other bridges' commits wake this one's planner and
 * dispatcher at once instead of at their next poll). A dropped connection is reopened after
 * `retryMs`; meanwhile the pollers still find the work, only later.
 */
export function createPgListener(url: string, on: (channel: Channel) => void, log: Logger, retryMs = 1000): PgListener {
  const byName = new Map<string, Channel>(Object.entries(CHANNELS).map(([k, v]): [string, Channel] => [v, k as Channel]));
  let closed = false;
  let client: ReturnType<typeof createPgClient> | undefined;
  let retry: NodeJS.Timeout | undefined;

  const reopenSoon = (): void => {
    if (closed || retry !== undefined) return;
    retry = setTimeout(() => {
      retry = undefined;
      void open();
    }, retryMs);
    retry.unref();
  };

  async function open(): Promise<void> {
    const c = createPgClient(url);
    client = c;
    c.on('notification', (n) => {
      const channel = byName.get(n.channel);
      if (channel !== undefined) on(channel);
    });
    c.on('error', (err) => {
      log.warn({ err }, 'PostgreSQL notification connection lost; reconnecting');
      void c.end().catch(() => undefined);
      reopenSoon();
    });
    try {
      await c.connect();
      for (const name of Object.values(CHANNELS)) await c.query(`LISTEN ${name}`);
      // What was committed while we were not listening: let every listener look once.
      for (const channel of byName.values()) on(channel);
    } catch (err) {
      log.warn({ err }, 'PostgreSQL notification connection failed; retrying');
      void c.end().catch(() => undefined);
      reopenSoon();
    }
  }

  void open();
  return {
    async close() {
      closed = true;
      if (retry !== undefined) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
