/** The cookies of a request's `Cookie` header, by name (first one wins; values are not decoded). */
export function readCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of (header ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at === -1) continue;
    const name = pair.slice(0, at).trim();
    if (name !== '' && !out.has(name)) out.set(name, pair.slice(at + 1).trim());
  }
  return out;
}

/** A `Set-Cookie` value for the console: HttpOnly, SameSite=Strict, under /console, Secure over HTTPS. */
export function consoleCookie(name: string, value: string, opts: { readonly secure: boolean; readonly maxAgeSeconds: number }): string {
  return `${name}=${value}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${opts.maxAgeSeconds}${opts.secure ? '; Secure' : ''}`;
}
