import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_PASSWORD, CONSOLE_TOKEN, startConsoleBridge, type ConsoleBridge } from './console-bridge.js';
import { logIn } from './console-http.js';

let t: ConsoleBridge;
let s: { cookie: string; csrf: string };
let deadJob: string;
beforeAll(async () => {
  t = await startConsoleBridge();
  s = await logIn(t.consoleUrl, CONSOLE_PASSWORD);
  deadJob = `${t.ids.vip}:vip-visit-slack:0`;
});
afterAll(async () => {
  await t.close();
});

const bearer = { authorization: `Bearer ${CONSOLE_TOKEN}`, 'content-type': 'application/json' };
const postForm = (path: string, fields: [string, string][]): Promise<Response> =>
  fetch(`${t.consoleUrl}${path}`, { method: 'POST', redirect: 'manual', headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
const apiReplay = async (body: unknown): Promise<[number, unknown]> => {
  const r = await fetch(`${t.consoleUrl}/api/replay`, { method: 'POST', headers: bearer, body: JSON.stringify(body) });
  return [r.status, await r.json()];
};

describe('console: replaying dead letters', () => {
  it('lists the dead letter with its last error, on the page and in the API', async () => {
    const page = await (await fetch(`${t.consoleUrl}/dead`, { headers: { cookie: s.cookie } })).text();
    expect(page).toContain(`<td data-label="Last error"><span class="job-error">slack error: channel_not_found</span></td>`);
    expect(page).toContain(`<button type="submit" name="one" value="${deadJob}" aria-label="Replay ${deadJob}">Replay</button>`);
    const api = (await (await fetch(`${t.consoleUrl}/api/dead`, { headers: bearer })).json()) as { dead: { id: string; lastError: string; status: string }[] };
    expect(api.dead.map((j) => [j.id, j.status, j.lastError])).toEqual([[deadJob, 'dead', 'slack error: channel_not_found']]);
  });

  it('refuses the replay form with a forged CSRF token, and queues nothing', async () => {
    const r = await postForm('/dead/replay', [['_csrf', 'forged'], ['one', deadJob]]);
    expect(r.status).toBe(403);
    expect(await r.text()).toContain('The CSRF token is missing or does not match this session: reload the page and try again');
    expect((await t.bridge.store.deliveries.jobsForEvent(t.ids.vip)).map((j) => j.id).sort()).toEqual([deadJob, `${t.ids.vip}:visit-hubspot-sync:0`].sort());
  });

  it('asks for a selection when none is given', async () => {
    const r = await postForm('/dead/replay', [['_csrf', s.csrf], ['rules', 'as_was']]);
    expect(r.status).toBe(400);
    expect(await r.text()).toContain('<p class="error-box" role="alert">Select at least one dead letter to replay.</p>');
  });

  it('refuses API replays that name nothing, or not as a list of ids', async () => {
    expect(await apiReplay({})).toEqual([400, { error: { code: 'bad_request', message: 'give job or event ids, or dead: true' } }]);
    expect(await apiReplay({ ids: deadJob })).toEqual([400, { error: { code: 'bad_request', message: 'ids must be an array of job or event ids' } }]);
    expect(await apiReplay({ ids: ['no-such-job'] })).toEqual([200, { rulesNow: false, requeued: [], skipped: [], unknown: ['no-such-job'], unplannable: [] }]);
  });

  it('replays the selected dead letter from the form, redirects to its outcome, and the outcome page shows it delivered', async () => {
    const r = await postForm('/dead/replay', [['_csrf', s.csrf], ['rules', 'as_was'], ['job', deadJob]]);
    expect(r.status).toBe(303);
    const outcome = r.headers.get('location') as string;
    expect(outcome).toMatch(/^\/console\/replays\/[A-Za-z0-9_-]{16}$/);
    const page = async () => (await fetch(`${t.bridge.url}${outcome}`, { headers: { cookie: s.cookie } })).text();
    await expect.poll(page, { timeout: 15_000 }).toContain('<span class="badge done">done</span>');
    expect(await page()).toContain('1 queued, 0 skipped <span class="muted">(with the rules as they were)</span> · <span role="status">1 of 1 delivered</span>');
    expect(await page()).not.toContain('http-equiv="refresh"');
    expect(t.slack.messages.map((m) => m.text)).toEqual(["VIP visit: Jane Doe (janedoe@example.com) is in John's community"]);
    // Replayed once: the dead letter is no longer listed, and a second replay of it is skipped.
    expect(((await (await fetch(`${t.consoleUrl}/api/dead`, { headers: bearer })).json()) as { dead: unknown[] }).dead).toEqual([]);
    const again = await apiReplay({ ids: [deadJob] });
    expect(again).toEqual([200, { rulesNow: false, requeued: [], skipped: [{ id: deadJob, reason: expect.stringMatching(/replayed/) }], unknown: [], unplannable: [] }]);
  });

  it('replays through the API with the rules in force now (an event id plans each of its actions again)', async () => {
    const [status, body] = await apiReplay({ ids: [t.ids.bob], rulesNow: true });
    expect(status).toBe(200);
    expect(body).toEqual({ rulesNow: true, requeued: [{ from: `${t.ids.bob}:visit-hubspot-sync:0`, to: `${t.ids.bob}:visit-hubspot-sync:0#r1` }], skipped: [], unknown: [], unplannable: [] });
    // HubSpot upserts linger to be batched, so the job is polled until it settles.
    const job = async () => (await (await fetch(`${t.consoleUrl}/api/jobs/${encodeURIComponent(`${t.ids.bob}:visit-hubspot-sync:0#r1`)}`, { headers: bearer })).json()) as { status: string; replayOf: string };
    await expect.poll(async () => (await job()).status, { timeout: 15_000 }).toBe('done');
    expect((await job()).replayOf).toBe(`${t.ids.bob}:visit-hubspot-sync:0`);
  });
});
