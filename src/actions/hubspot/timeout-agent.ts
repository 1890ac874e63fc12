import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';

/**
 * A keep-alive agent whose sockets are destroyed after `timeoutMs` without traffic. node-fetch 2
 * (used by @hubspot/api-client 13) ignores socket timeouts, so without this a hung HubSpot call
 * keeps its socket forever after withDeadline has given up on it.
 */
export function createTimeoutAgent(baseUrl: string, timeoutMs: number): http.Agent {
  const Base = baseUrl.startsWith('http:') ? http.Agent : https.Agent;
  class TimeoutAgent extends Base {
    override createConnection(...args: Parameters<http.Agent['createConnection']>): Duplex | null | undefined {
      const socket = super.createConnection(...args);
      if (socket !== null && socket !== undefined && 'setTimeout' in socket && typeof socket.setTimeout === 'function') {
        (socket as { setTimeout(ms: number, cb: () => void): void }).setTimeout(timeoutMs, () => socket.destroy(new Error('socket timeout')));
      }
      return socket;
    }
  }
  return new TimeoutAgent({ keepAlive: true });
}
