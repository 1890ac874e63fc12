import http from 'node:http';

export interface PacedResult {
  readonly sent: number;
  readonly accepted: number;
  readonly non2xx: number;
  readonly errors: number;
  /** Client-side errors by code (e.g. ECONNRESET), for the summary. */
  readonly errorCodes: Readonly<Record<string, number>>;
  readonly seconds: number;
  /** Ack latency of every 2xx, ms, from the moment the request was written to the end of the answer. */
  readonly latencies: number[];
  /** How late each request left against its even schedule, ms (the generator's own lag). */
  readonly lags: number[];
}

/**
 * An open-loop load generator at a fixed rate: request i leaves at start + i/rate, whether or not
 * earlier ones were answered, over at most `connections` keep-alive sockets. autocannon's
 * `overallRate` is not used for this: it sends each connection's share of a second back to back
 * at the start of the second (a burst of `rate` requests, then silence) and records latencies
 * with a coordinated-omission correction of a 1 ms expected interval, which turns one slow answer
 * into hundreds of samples; neither is "p99 at 1,000 events/s".
 */
export async function pacedLoad(opts: {
  readonly url: string;
  readonly rate: number;
  readonly seconds: number;
  readonly connections: number;
  readonly next: () => { body: string; headers: Record<string, string> };
}): Promise<PacedResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
  const target = new URL(opts.url);
  const total = Math.round(opts.rate * opts.seconds);
  const latencies: number[] = [];
  const lags: number[] = [];
  let sent = 0;
  let accepted = 0;
  let non2xx = 0;
  let errors = 0;
  const errorCodes = new Map<string, number>();
  let inFlight = 0;
  const start = performance.now();

  await new Promise<void>((resolve) => {
    const finishIfDone = () => {
      if (sent === total && inFlight === 0) resolve();
    };
    const fire = (due: number) => {
      const { body, headers } = opts.next();
      const t0 = performance.now();
      lags.push(t0 - due);
      inFlight += 1;
      const req = http.request(
        { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => {
            inFlight -= 1;
            const code = res.statusCode ?? 0;
            if (code >= 200 && code < 300) {
              accepted += 1;
              latencies.push(performance.now() - t0);
            } else non2xx += 1;
            finishIfDone();
          });
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) => {
        inFlight -= 1;
        errors += 1;
        errorCodes.set(err.code ?? err.message, (errorCodes.get(err.code ?? err.message) ?? 0) + 1);
        finishIfDone();
      });
      req.end(body);
    };
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - start) * opts.rate) / 1000) + 1);
      while (sent < due) {
        fire(start + (sent * 1000) / opts.rate);
        sent += 1;
      }
      if (sent < total) setTimeout(tick, 1);
      else finishIfDone();
    };
    tick();
  });
  agent.destroy();
  return { sent, accepted, non2xx, errors, errorCodes: Object.fromEntries(errorCodes), seconds: (performance.now() - start) / 1000, latencies, lags };
}

/** The p-th percentile (0-100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}
