import { afterEach, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from './fake-server.js';

let fake: FakeServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const post = (url: string, body: string, type = 'application/json') => fetch(url, { method: 'POST', headers: { 'content-type': type }, body });

describe('startFakeServer', () => {
  it('records JSON and form bodies, path and query', async () => {
    fake = await startFakeServer(() => ({ body: { ok: true } }));
    const res = await post(`${fake.url}/a/b?wait=true`, '{"x":1}');
    await post(`${fake.url}/form`, 'channel=C1&text=a%20b', 'application/x-www-form-urlencoded');

    expect(await res.json()).toEqual({ ok: true });
    expect(fake.calls.map((c) => [c.method, c.path, c.query.get('wait'), c.json, c.form])).toEqual([
      ['POST', '/a/b', 'true', { x: 1 }, undefined],
      ['POST', '/form', null, undefined, { channel: 'C1', text: 'a b' }],
    ]);
  });

  it('answers scripted replies first, in order, only for matching calls', async () => {
    fake = await startFakeServer(() => ({ status: 200, body: 'route' }));
    fake.failNext(2, { status: 503, body: 'down' });
    fake.failNext(1, { status: 418, body: 'tea' }, (c) => c.path === '/tea');
    const statuses = [];
    for (const path of ['/tea', '/x', '/x', '/x']) statuses.push((await post(fake.url + path, '')).status);
    // The first script matches any call and is first in line, so /tea gets 503; /tea's script is left.
    expect(statuses).toEqual([503, 503, 200, 200]);
    expect((await post(`${fake.url}/tea`, '')).status).toBe(418);
  });

  it('sets aside identity reads: recorded apart, past unmatched scripts and the hook, answered by the route', async () => {
    fake = await startFakeServer(() => ({ body: 'route' }), { aside: (c) => c.path === '/whoami' });
    fake.failNext(1, { status: 503 });
    fake.intercept(() => ({ status: 202, body: 'hook' }));
    expect((await post(`${fake.url}/whoami`, '')).status).toBe(200);
    expect((await post(`${fake.url}/send`, '')).status).toBe(503);
    fake.failNext(1, { status: 401 }, (c) => c.path === '/whoami');
    expect((await post(`${fake.url}/whoami`, '')).status).toBe(401);
    expect([fake.calls.map((c) => c.path), fake.asideCalls.map((c) => c.path)]).toEqual([['/send'], ['/whoami', '/whoami']]);
  });

  it('lets a hook answer or fall through to the route', async () => {
    fake = await startFakeServer(() => ({ body: 'route' }));
    fake.intercept((c) => (c.path === '/hooked' ? { status: 202, body: 'hook' } : undefined));
    expect(await (await post(`${fake.url}/hooked`, '')).text()).toBe('hook');
    expect(await (await post(`${fake.url}/other`, '')).text()).toBe('route');
    fake.intercept(undefined);
    expect(await (await post(`${fake.url}/hooked`, '')).text()).toBe('route');
  });

  it('destroys the socket for a reset and closes despite a hung request', async () => {
    fake = await startFakeServer(() => ({ hang: true }));
    fake.failNext(1, { destroy: true });
    await expect(post(fake.url, '')).rejects.toThrow('fetch failed');
    const hung = post(fake.url, '').catch((error: unknown) => error);
    await fake.waitFor(() => fake?.calls.length === 2);
    await fake.close();
    expect(await hung).toBeInstanceOf(Error);
    fake = undefined;
  });

  it('waitFor rejects with a clear message when the condition never holds', async () => {
    fake = await startFakeServer(() => ({}));
    await expect(fake.waitFor(() => false, 10)).rejects.toThrow('fake server: condition not met within 10 ms (0 calls so far)');
  });

  it('reset forgets calls and scripts', async () => {
    fake = await startFakeServer(() => ({ status: 200 }));
    fake.failNext(5, { status: 500 });
    await post(fake.url, '');
    fake.reset();
    expect(fake.calls).toHaveLength(0);
    expect((await post(fake.url, '')).status).toBe(200);
  });
});
