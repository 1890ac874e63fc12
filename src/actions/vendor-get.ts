/**
 * One read call for a credential check: JSON back, or an Error saying `<vendor> <status> <detail>`
 * with `detail` picked by the caller from the body (never the request, which carries the secret).
 */
export async function vendorJson(
  vendor: string,
  url: string,
  init: { readonly method?: string; readonly headers: Record<string, string>; readonly timeoutMs: number },
  detail: (body: Record<string, unknown>) => string | undefined,
): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(url, { method: init.method ?? 'GET', headers: init.headers, signal: AbortSignal.timeout(init.timeoutMs) });
  } catch (err) {
    const name = err instanceof Error ? err.name : typeof err;
    throw new Error(`${vendor} unreachable: ${name === 'TimeoutError' ? `no answer within ${init.timeoutMs} ms` : name}`, { cause: err });
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${vendor} ${res.status}${detail(body) === undefined ? '' : ` ${detail(body)}`}`);
  return body;
}

/** A short word-like vendor value, or undefined: keeps arbitrary echoed text out of messages. */
export function shortWord(value: unknown): string | undefined {
  return typeof value === 'string' && /^[\w .:#@'-]{1,80}$/.test(value) ? value : undefined;
}
