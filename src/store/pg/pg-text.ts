/**
 * PostgreSQL's text cannot hold a NUL byte (SQLite's can), and some keys the bridge writes do:
 * a memo key is `<destination>\0<kind>:<value>` (forget-person.ts), and a rendered digest key may
 * carry one from an event. Keys are stored with `\` written `\\` and NUL written `\0`, and read
 * back exactly; a key without either is stored as it is.
 */
export function toPgText(s: string): string {
  return s.includes('\0') || s.includes('\\') ? s.replaceAll('\\', '\\\\').replaceAll('\0', '\\0') : s;
}

export function fromPgText(s: string): string {
  return s.includes('\\') ? s.replace(/\\([\\0])/g, (_m, c: string) => (c === '0' ? '\0' : '\\')) : s;
}

/** A job's error (shown, never looked up) keeps its text; only a NUL, which PostgreSQL refuses, becomes U+FFFD. */
export function noNul(s: string): string {
  return s.replaceAll('\0', '\uFFFD');
}
