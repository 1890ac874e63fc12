import type { Response } from 'express';
import type { EventFilter } from '../store/delivery-queries.js';
import { listEvents } from './console-data.js';
import type { ConsoleStore } from './console-deps.js';
import { eventRows } from './events-page.js';

/** Server-sent-event fields: each line of `data` on its own `data:` line. */
function sse(event: string, data: string): string {
  return `event: ${event}\n${data.split('\n').map((l) => `data: ${l}`).join('\n')}\n\n`;
}

/**
 * Streams the events received after `after` (ms) that match `filter`, once planned, as
 * server-sent events (`event: rows`, the table rows as the page renders them), checking the store
 * every `pollMs`; a comment every 15 s keeps proxies from closing the stream. Ends when the client
 * goes or `signal` aborts (the bridge shutting down).
 */
export function streamEvents(res: Response, opts: { readonly store: ConsoleStore; readonly filter: EventFilter; readonly after: number; readonly pollMs: number; readonly signal?: AbortSignal }): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  res.write('retry: 3000\n\n');
  const sent = new Set<string>();
  // `after` is the newest event the page shows: the stream starts just past it.
  let cursor = opts.after + 1;
  let quiet = 0;
  const check = async (): Promise<void> => {
    const { events } = await listEvents(opts.store, { ...opts.filter, since: cursor, limit: 51, offset: 0 }, 1);
    // Unplanned events wait for their decision; the oldest first, so the newest ends up on top.
    const fresh = events.filter((e) => e.summary !== null && !sent.has(e.id));
    quiet += opts.pollMs;
    if (fresh.length > 0) {
      for (const e of fresh) sent.add(e.id);
      res.write(sse('rows', eventRows(fresh).text));
      quiet = 0;
    } else if (quiet >= 15_000) {
      res.write(': still here\n\n');
      quiet = 0;
    }
    // Move the cursor past what is planned and sent, so the query stays small.
    const pending = events.filter((e) => e.summary === null).map((e) => Date.parse(e.receivedAt));
    const newest = events.length === 0 ? cursor : Date.parse(events[0]?.receivedAt ?? '');
    const next = pending.length > 0 ? Math.min(...pending) : newest;
    if (next > cursor) {
      cursor = next;
      for (const e of events) if (Date.parse(e.receivedAt) < cursor) sent.delete(e.id);
    }
  };
  // One check at a time: a slow store skips a beat rather than stacking queries.
  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    check().then(
      () => void (checking = false),
      () => stop(),
    );
  }, opts.pollMs);
  const stop = (): void => {
    clearInterval(timer);
    opts.signal?.removeEventListener('abort', stop);
    if (!res.writableEnded) res.end();
  };
  res.on('close', stop);
  opts.signal?.addEventListener('abort', stop);
  if (opts.signal?.aborted === true) stop();
}
