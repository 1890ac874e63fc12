/** Request headers as Node gives them: lower-case names, repeated headers as arrays. */
export type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** One header's value; a repeated header counts as absent-or-ambiguous and yields undefined. */
export function headerValue(headers: Headers, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return typeof v === 'string' ? v : undefined;
}

/** Failure of one authentication check: `reason` goes to the log, never to the client. */
export type CheckResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };
