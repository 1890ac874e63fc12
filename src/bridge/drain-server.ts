import type { Server } from 'node:http';

export interface Drainer {
  /**
   * Stops accepting connections and resolves true once every request in flight has been answered
   * and its connection closed; at `timeoutMs` it cuts the rest off and resolves false.
   */
  drain(timeoutMs: number): Promise<boolean>;
}

/**
 * Graceful close for an HTTP server. `server.close()` alone waits for keep-alive connections that
 * go idle after it was called (clients such as undici keep them open), so once draining, every
 * answered request also closes the idle connections. Install it before listening: it must see the
 * requests that are already in flight when the drain starts.
 */
export function createDrainer(server: Server): Drainer {
  let draining = false;
  server.on('request', (_req, res) => {
    res.once('finish', () => {
      if (draining) server.closeIdleConnections();
    });
  });
  return {
    drain(timeoutMs) {
      draining = true;
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          server.closeAllConnections();
          resolve(false);
        }, timeoutMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve(true);
        });
        server.closeIdleConnections();
      });
    },
  };
}
