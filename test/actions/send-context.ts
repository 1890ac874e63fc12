import type { SendContext } from '../../src/actions/action.js';

/** A SendContext for one attempt; `signal` never aborts unless one is given. */
export function sendContext(overrides: Partial<SendContext> = {}): SendContext {
  return { jobId: 'job-1', eventId: 'evt-1', idempotencyKey: 'evt-1:vip-visit:0', signal: new AbortController().signal, ...overrides };
}

/** A stand-in for the rules' template renderer: `{{ name }}` from `vars`, escaped by the kind. */
export function renderWith(escape: (value: string) => string, vars: Record<string, string>): (template: string) => string {
  return (template) => template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, key: string) => escape(vars[key] ?? ''));
}

/** A URL on 127.0.0.1 where nothing listens (a port just released), for connection-refused cases. */
export async function closedPortUrl(): Promise<string> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
