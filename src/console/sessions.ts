import { randomBytes } from 'node:crypto';

/** One logged-in browser: the cookie holds `id`; `csrf` must come back with every state-changing request. */
export interface Session {
  readonly id: string;
  readonly csrf: string;
  readonly expiresAt: number;
}

export interface Sessions {
  create(): Session;
  /** The session with this id, unless it expired (then it is forgotten). */
  get(id: string | undefined): Session | undefined;
  delete(id: string): void;
}

/** A random token: 32 bytes, base64url (cookie- and form-safe). */
export const randomToken = (): string => randomBytes(32).toString('base64url');

/**
 * Server-side sessions in memory (a restart logs everyone out). Each lasts `ttlMs` from login; at
 * most `max` are kept, the oldest going first, so a login flood cannot grow memory.
 */
export function createSessions(opts: { readonly now: () => number; readonly ttlMs: number; readonly max?: number }): Sessions {
  const max = opts.max ?? 1000;
  const byId = new Map<string, Session>();
  return {
    create() {
      const t = opts.now();
      for (const [id, s] of byId) if (s.expiresAt <= t) byId.delete(id);
      while (byId.size >= max) byId.delete(byId.keys().next().value as string);
      const session = { id: randomToken(), csrf: randomToken(), expiresAt: t + opts.ttlMs };
      byId.set(session.id, session);
      return session;
    },
    get(id) {
      if (id === undefined) return undefined;
      const s = byId.get(id);
      if (s === undefined) return undefined;
      if (s.expiresAt <= opts.now()) {
        byId.delete(id);
        return undefined;
      }
      return s;
    },
    delete: (id) => void byId.delete(id),
  };
}
