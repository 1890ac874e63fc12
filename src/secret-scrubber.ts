/**
 * Redaction by value: every credential the bridge resolved is cut out of any text it logs or
 * stores, wherever it turns up (a vendor's error that echoes the request, a proxy's verbose page,
 * an exception message). Key-name redaction (log.ts) only catches secrets under known keys.
 */
export interface SecretScrubber {
  /** Adds credential values; earlier ones stay (a job sent with the old token may still answer). */
  add(values: Iterable<string>): void;
  /** `text` with every known secret replaced by `[redacted]`. */
  scrub(text: string): string;
}

const CENSOR = '[redacted]';
/** Shorter values are not matched by value: they would censor ordinary words. Real tokens are far longer. */
export const MIN_SECRET_LENGTH = 8;

/**
 * A URL credential (a Discord or Slack webhook URL) is secret as a whole and in its parts: an error
 * may quote just the token from its path, or a query parameter. Parts that are short plain words
 * (`webhooks`, `services`) are not secrets.
 */
function partsOf(value: string): string[] {
  if (!/^https?:\/\//i.test(value)) return [];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [];
  }
  const parts = [...url.pathname.split('/'), ...url.searchParams.values(), url.password];
  return parts.filter((p) => !/^[a-z]{0,12}$/.test(p));
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function createSecretScrubber(initial: Iterable<string> = []): SecretScrubber {
  const known = new Set<string>();
  let pattern: RegExp | undefined;
  let shortest = Number.POSITIVE_INFINITY;

  const add = (values: Iterable<string>): void => {
    const before = known.size;
    for (const value of values) {
      for (const v of [value, encodeURIComponent(value), ...partsOf(value)]) {
        if (v.length >= MIN_SECRET_LENGTH) known.add(v);
      }
    }
    if (known.size === before) return;
    // Longest first, so a URL is cut whole rather than leaving its host around a cut-out token.
    const sorted = [...known].sort((a, b) => b.length - a.length);
    shortest = sorted[sorted.length - 1]?.length ?? Number.POSITIVE_INFINITY;
    pattern = new RegExp(sorted.map(escapeRe).join('|'), 'g');
  };
  add(initial);

  return {
    add,
    scrub: (text) => (pattern === undefined || text.length < shortest ? text : text.replace(pattern, CENSOR)),
  };
}
