/** The login form's double-submit token and the cookie that carries it. */
export async function loginForm(consoleUrl: string): Promise<{ cookie: string; csrf: string }> {
  const r = await fetch(`${consoleUrl}/login`);
  const cookie = (r.headers.getSetCookie().find((c) => c.startsWith('bridge_console_login=')) ?? '').split(';')[0] as string;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await r.text())?.[1];
  if (csrf === undefined || cookie === '') throw new Error('no login form');
  return { cookie, csrf };
}

/** POSTs the login form with `form`'s cookie and these fields; the answer, redirects not followed. */
export function postLogin(consoleUrl: string, form: { cookie: string }, fields: Record<string, string>): Promise<Response> {
  return fetch(`${consoleUrl}/login`, {
    method: 'POST', redirect: 'manual',
    headers: { cookie: form.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
}

/** Logs in over plain HTTP: the session cookie (`name=value`) and the session's CSRF token. */
export async function logIn(consoleUrl: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const form = await loginForm(consoleUrl);
  const r = await postLogin(consoleUrl, form, { _csrf: form.csrf, password });
  const cookie = (r.headers.getSetCookie().find((c) => c.startsWith('bridge_console=')) ?? '').split(';')[0] as string;
  if (r.status !== 303 || cookie === '') throw new Error(`login failed: ${r.status}`);
  const page = await fetch(`${consoleUrl}/events`, { headers: { cookie } });
  const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(await page.text())?.[1];
  if (csrf === undefined) throw new Error('no CSRF token on the events page');
  return { cookie, csrf };
}
