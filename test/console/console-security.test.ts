import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_PASSWORD, CONSOLE_TOKEN, SECRETS, startConsoleBridge, type ConsoleBridge } from './console-bridge.js';
import { logIn, loginForm, postLogin } from './console-http.js';

let t: ConsoleBridge;
beforeAll(async () => {
  t = await startConsoleBridge();
});
afterAll(async () => {
  await t.close();
});

const pages = (): string[] => ['', '/', '/events', `/events/${t.ids.vip}`, `/events?user=bob@example.org`, '/events/no-such-event', '/dead', '/replays/no-such-replay', '/why', '/why?user=janedoe@example.com', '/rules'];
const apis = (): string[] => ['/api/events', '/api/deliveries', '/api/deliveries?status=dead&limit=5', `/api/events/${t.ids.vip}`, '/api/events?outcome=failed', '/api/dead', `/api/jobs/${t.ids.vip}:vip-visit-slack:0`, '/api/why?user=1234', '/api/nothing'];

describe('console: without a login', () => {
  it('sends every page to the login form', async () => {
    for (const p of pages()) {
      const r = await fetch(`${t.consoleUrl}${p}`, { redirect: 'manual' });
      expect([p, r.status, r.headers.get('location')?.startsWith('/console/login?next=')]).toEqual([p, 303, true]);
    }
  });

  it('answers every API route 401, and a wrong bearer token too', async () => {
    for (const p of apis()) {
      for (const headers of [{}, { authorization: 'Bearer wrong-token' }, { authorization: CONSOLE_TOKEN }] as Record<string, string>[]) {
        const r = await fetch(`${t.consoleUrl}${p}`, { headers });
        expect([p, r.status, await r.json()]).toEqual([p, 401, { error: { code: 'unauthorized', message: 'log in to the console, or send Authorization: Bearer <CONSOLE_TOKEN>' } }]);
      }
    }
  });

  it('refuses a state-changing request with no session', async () => {
    for (const p of ['/logout', '/dead/replay', '/api/replay']) {
      const r = await fetch(`${t.consoleUrl}${p}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids: [`${t.ids.vip}:vip-visit-slack:0`] }) });
      expect([p, r.status]).toEqual([p, 401]);
    }
    expect((await t.bridge.store.deliveries.listDead()).map((j) => j.id)).toEqual([`${t.ids.vip}:vip-visit-slack:0`]);
  });

  it('serves the stylesheet and login form with a strict CSP and no inline script or style', async () => {
    const r = await fetch(`${t.consoleUrl}/login`);
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    const text = await r.text();
    expect(text).not.toMatch(/<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=/i);
    expect((await fetch(`${t.consoleUrl}/assets/console.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });
});

describe('console: logging in', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie for the right password', async () => {
    const form = await loginForm(t.consoleUrl);
    const r = await postLogin(t.consoleUrl, form, { _csrf: form.csrf, password: CONSOLE_PASSWORD, next: '/console/events?type=user.joined' });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/console/events?type=user.joined');
    const session = r.headers.getSetCookie().find((c) => c.startsWith('bridge_console='));
    expect(session).toMatch(/^bridge_console=[A-Za-z0-9_-]{43}; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=43200$/);
  });

  it('refuses a wrong password with the form again, and a forged login token with 403', async () => {
    const form = await loginForm(t.consoleUrl);
    const post = (fields: Record<string, string>) => postLogin(t.consoleUrl, form, fields);
    const wrong = await post({ _csrf: form.csrf, password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Wrong password.');
    const forged = await post({ _csrf: 'forged', password: CONSOLE_PASSWORD });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('The form’s security token is missing or does not match (CSRF check)');
    expect(forged.headers.getSetCookie().some((c) => c.startsWith('bridge_console='))).toBe(false);
  });

  it('never sends a login somewhere else after it', async () => {
    const form = await loginForm(t.consoleUrl);
    const r = await postLogin(t.consoleUrl, form, { _csrf: form.csrf, password: CONSOLE_PASSWORD, next: '//evil.example/console/' });
    expect(r.headers.get('location')).toBe('/console/events');
  });
});

describe('console: logged in', () => {
  it('refuses a state-changing request with a forged CSRF token (403, clear message), and takes the real one', async () => {
    const s = await logIn(t.consoleUrl, CONSOLE_PASSWORD);
    const forged = await fetch(`${t.consoleUrl}/logout`, { method: 'POST', redirect: 'manual', headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: '_csrf=forged' });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('The CSRF token is missing or does not match this session: reload the page and try again');
    const api = await fetch(`${t.consoleUrl}/api/events`, { method: 'POST', headers: { cookie: s.cookie, 'x-csrf-token': 'forged' } });
    expect([api.status, await api.json()]).toEqual([403, { error: { code: 'csrf_mismatch', message: 'the CSRF token is missing or does not match this session: reload the page and try again' } }]);
    const out = await fetch(`${t.consoleUrl}/logout`, { method: 'POST', redirect: 'manual', headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: s.csrf }) });
    expect([out.status, out.headers.get('location')]).toEqual([303, '/console/login']);
    expect((await fetch(`${t.consoleUrl}/events`, { redirect: 'manual', headers: { cookie: s.cookie } })).status).toBe(303);
  });

  it('answers the API with the bearer token', async () => {
    const r = await fetch(`${t.consoleUrl}/api/events?user=JANEDOE@example.com`, { headers: { authorization: `Bearer ${CONSOLE_TOKEN}` } });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { events: { id: string }[] }).events.map((e) => e.id)).toEqual([t.ids.vip]);
  });

  it('shows no secret on any page or API answer', async () => {
    const s = await logIn(t.consoleUrl, CONSOLE_PASSWORD);
    const texts: string[] = [];
    for (const p of [...pages(), ...apis(), ...Object.values(t.ids).flatMap((id) => [`/events/${id}`, `/api/events/${id}`]), '/login']) {
      const r = await fetch(`${t.consoleUrl}${p}`, { headers: { cookie: s.cookie } });
      texts.push(`${[...r.headers].join('\n')}\n${await r.text()}`);
    }
    for (const secret of SECRETS) expect(texts.filter((text) => text.includes(secret))).toEqual([]);
  });
});

// Last: it uses up this client's login attempts for the minute.
describe('console: login rate limit', () => {
  it('refuses login attempts past 10 a minute from one client with 429 and Retry-After', async () => {
    const form = await loginForm(t.consoleUrl);
    const statuses: number[] = [];
    // Earlier tests used some of the 10; a minute turning mid-loop gives 10 more, so up to 25 tries.
    for (let i = 0; i < 25 && !statuses.includes(429); i += 1) {
      const r = await postLogin(t.consoleUrl, form, { _csrf: form.csrf, password: `guess-${i}` });
      statuses.push(r.status);
      if (r.status === 429) {
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(await r.text()).toContain('Too many login attempts from your address: try again in');
      }
    }
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
    expect(statuses.length).toBeLessThanOrEqual(21);
  });
});

describe('console: delivery headers', () => {
  it('shows the headers the intake stored, with the credentials redacted before storage', async () => {
    const r = await fetch(`${t.consoleUrl}/api/events/${t.ids.vip}`, { headers: { authorization: `Bearer ${CONSOLE_TOKEN}` } });
    const { event } = (await r.json()) as { event: { headers: Record<string, string> } };
    expect(event.headers).toMatchObject({
      'content-type': 'application/json',
      'x-request-id': 'req-jane-1',
      authorization: '[redacted]',
      cookie: '[redacted]',
      'webhook-signature': '[redacted]',
      'x-echo': '[redacted]',
    });
    // Nothing of them was written to the store either.
    const stored = (await t.bridge.store.deliveries.getEvent(t.ids.vip))?.headers ?? '';
    for (const secret of SECRETS) expect([secret, stored.includes(secret)]).toEqual([secret, false]);
  });
});
