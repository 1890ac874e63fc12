import type http from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * A keep-alive agent whose sockets are destroyed after `timeoutMs` without traffic. node-fetch 2
 * (used by @hubspot/api-client 13) ignores socket timeouts, so without this a hung HubSpot call
 * keeps its socket forever after withDeadline has given up on it.
 */
export function createTimeoutAgent(baseUrl: string, timeoutMs: number): http.Agent {
  // Loaded here, not imported: `bridge check` evaluates this module (the HubSpot kind) but never
  // makes an agent, and node:https brings tls, net and the HTTP stack along.
  const Base = baseUrl.startsWith('http:') ? process.getBuiltinModule('node:http').Agent : process.getBuiltinModule('node:https').Agent;
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
