import type { Headers } from './auth/headers.js';

/** The request headers the intake received, as stored with the event: lower-case names, secrets replaced. */
export type DeliveryHeaders = Readonly<Record<string, string>>;

/** What a redacted header's value becomes. */
export const REDACTED_HEADER = '[redacted]';

/**
 * Names whose values are credentials whatever they hold: the Standard Webhooks signature and any
 * other `*signature*`, authorization and cookies, and the usual token and key headers.
 */
const SECRET_NAME = /^(?:authorization|proxy-authorization|cookie|set-cookie)$|signature|token|secret|password|api[-_]?key/;

/**
 * The headers to store with an event, redacted before they reach the store (a secret is never
 * written): every header named like a credential (SECRET_NAME), the configured API-key header,
 * and any header whose value holds a configured secret (`isSecret`: the bridge's secret scrubber,
 * so a token pasted into `x-debug` goes too). Repeated headers are joined with ", ".
 */
export function redactHeaders(headers: Headers, opts: { readonly secretHeaders: readonly string[]; readonly isSecret: (value: string) => boolean }): DeliveryHeaders {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    // secretHeaders is one or none (the API-key header): a scan, not a Set per delivery.
    out[name] = SECRET_NAME.test(name) || opts.secretHeaders.some((h) => h.toLowerCase() === name) || opts.isSecret(value) ? REDACTED_HEADER : value;
  }
  return out;
}
