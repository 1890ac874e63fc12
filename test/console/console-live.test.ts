import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_PASSWORD, eventBy, startConsoleBridge, type ConsoleBridge } from './console-bridge.js';
import { logIn } from './console-http.js';

let t: ConsoleBridge;
let closed = false;
beforeAll(async () => {
  t = await startConsoleBridge();
});
afterAll(async () => {
  if (!closed) await t.close();
});

/** Reads the stream until `until` is in what arrived (or 10 s pass). */
async function readUntil(body: ReadableStream<Uint8Array>, until: string): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + 10_000;
  while (!text.includes(until) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  reader.releaseLock();
  return text;
}

describe('console: live events (server-sent events)', () => {
  it('the Events page loads the bridge’s own script and names its stream', async () => {
    const s = await logIn(t.consoleUrl, CONSOLE_PASSWORD);
    const page = await (await fetch(`${t.consoleUrl}/events?type=user.visited`, { headers: { cookie: s.cookie } })).text();
    expect(page).toContain('<script src="/console/assets/live-events.js" defer></script>');
    expect(page).toMatch(/<table class="cards" aria-label="Events" data-stream="\/console\/events\/stream\?type=user\.visited&amp;after=\d+">/);
    const script = await fetch(`${t.consoleUrl}/assets/live-events.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toContain('new EventSource(');
    // Page 2 is not live.
    expect(await (await fetch(`${t.consoleUrl}/events?page=2`, { headers: { cookie: s.cookie } })).text()).not.toContain('live-events.js');
  });

  it('streams a new matching event once planned, escaped as on the page, and not the ones filtered out', async () => {
    const s = await logIn(t.consoleUrl, CONSOLE_PASSWORD);
    const r = await fetch(`${t.consoleUrl}/events/stream?type=user.visited&after=${Date.now()}`, { headers: { cookie: s.cookie } });
    expect([r.status, r.headers.get('content-type')]).toEqual([200, 'text/event-stream; charset=utf-8']);
    await t.post(eventBy({ id: '901', name: 'Joiner Not Shown', email: 'joiner@example.org' }, 'User Joins Server'));
    await t.post(eventBy({ id: '900', name: 'Live <b>Visitor</b>', email: 'live@example.org' }));
    const text = await readUntil(r.body as ReadableStream<Uint8Array>, 'Live &lt;b&gt;Visitor');
    expect(text).toMatch(/^retry: 3000\n\nevent: rows\ndata: <tr>\n/);
    expect(text).toContain('data:   <td data-label="User">Live &lt;b&gt;Visitor&lt;/b&gt;<br><span class="muted">live@example.org</span></td>');
    expect(text).not.toContain('Joiner');
    await r.body?.cancel();
  });

  it('refuses the stream without a login', async () => {
    const r = await fetch(`${t.consoleUrl}/events/stream?after=0`, { redirect: 'manual' });
    expect(r.status).toBe(303);
  });

  it('does not hold the shutdown up while a stream is open', async () => {
    const s = await logIn(t.consoleUrl, CONSOLE_PASSWORD);
    const r = await fetch(`${t.consoleUrl}/events/stream?after=${Date.now()}`, { headers: { cookie: s.cookie } });
    expect(r.status).toBe(200);
    const started = Date.now();
    closed = true;
    await t.close();
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
