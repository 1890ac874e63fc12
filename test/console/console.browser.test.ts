import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eventBy, LINKS, startConsoleBridge, XSS_NAME, type ConsoleBridge } from './console-bridge.js';
import { colorOf, isFocused, launchConsoleBrowser, screenshotBothWidths, type ConsoleBrowser } from './console-browser.js';

// One bridge and one browser for the file: chromium takes seconds to start on a shared machine.
let t: ConsoleBridge;
let b: ConsoleBrowser;
let page: Page;
beforeAll(async () => {
  [t, b] = await Promise.all([startConsoleBridge(), launchConsoleBrowser()]);
  page = await b.newPage();
}, 60_000);
afterAll(async () => {
  await b?.close();
  await t?.close();
});

/** The text of each condition line of a rule's explanation tree. */
const conditionLines = (rule: string): Promise<string[]> => page.getByRole('region', { name: `Rule ${rule}` }).locator('.cond').allInnerTexts();

describe('console in a browser', () => {
  it('logs in with the keyboard alone: the password field has the focus, Tab reaches the button, Enter submits', async () => {
    await page.goto(`${t.consoleUrl}/events`);
    expect(page.url()).toContain('/console/login?next=');
    const password = page.getByLabel('Password');
    expect(await isFocused(password)).toBe(true);
    expect(await screenshotBothWidths(page, 'login')).toEqual({ desktop: 0, phone: 0 });
    await page.keyboard.type('console-password-for-tests');
    await page.keyboard.press('Tab');
    expect(await isFocused(page.getByRole('button', { name: 'Log in' }))).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${t.consoleUrl}/events`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Events');
    expect(await page.getByRole('table', { name: 'Events' }).locator('tbody tr').count()).toBe(3);
    expect(await screenshotBothWidths(page, 'events')).toEqual({ desktop: 0, phone: 0 });
  });

  it('filters to one user and explains why the VIP rule missed them', async () => {
    await page.getByLabel('User email or id').fill('BOB@example.org');
    await page.getByLabel('User email or id').press('Enter');
    await page.waitForURL(/user=BOB%40example\.org/);
    const rows = page.getByRole('table', { name: 'Events' }).locator('tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.locator('td[data-label="User"]').innerText()).toBe('Bob Smith\nbob@example.org');
    expect(await screenshotBothWidths(page, 'events-filtered')).toEqual({ desktop: 0, phone: 0 });
    await rows.getByRole('link').click();
    await page.waitForURL(`${t.consoleUrl}/events/${t.ids.bob}`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('user.visited · Bob Smith');
    expect(await conditionLines('vip-visit-slack')).toEqual([
      '✗ any',
      '✗ user.email in list vip_emails (ignore case) (actual: "bob@example.org")',
      '✗ user.email_domain in list vip_domains (ignore case) (actual: "example.org")',
    ]);
    expect(await screenshotBothWidths(page, 'event-missed')).toEqual({ desktop: 0, phone: 0 });
  });

  it("shows a dead letter's error in red on its event", async () => {
    await page.goto(`${t.consoleUrl}/events/${t.ids.vip}`);
    const jobs = page.getByRole('table', { name: 'Jobs' });
    const dead = jobs.locator('tr', { has: page.locator('.badge.dead') });
    expect(await dead.locator('td[data-label="Destination"]').innerText()).toBe('vip-alerts (slack)');
    const error = dead.locator('.job-error');
    expect(await error.innerText()).toBe('slack error: channel_not_found');
    expect(await colorOf(error)).toBe('rgb(164, 14, 38)');
    expect(await conditionLines('vip-visit-slack')).toEqual(['✓ any', '✓ user.email in list vip_emails (ignore case) (actual: "janedoe@example.com")']);
    // The delivery's headers, credentials redacted at intake.
    const headers = page.getByRole('table', { name: 'Delivery headers' });
    const header = (name: string) => headers.locator('tr', { has: page.getByRole('rowheader', { name, exact: true }) }).locator('td').innerText();
    expect(await header('x-request-id')).toBe('req-jane-1');
    for (const name of ['authorization', 'cookie', 'webhook-signature', 'x-echo']) expect([name, await header(name)]).toEqual([name, '[redacted]']);
    expect(await screenshotBothWidths(page, 'event-dead')).toEqual({ desktop: 0, phone: 0 });
  });

  it("answers \"Why didn't it fire?\" for a person: each event and what every rule decided", async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: "Why didn't it fire?" }).click();
    await page.waitForURL(`${t.consoleUrl}/why`);
    await page.getByLabel('User email or id').fill('5678');
    await page.getByLabel('User email or id').press('Enter');
    await page.waitForURL(/\/why\?user=5678/);
    const events = page.locator('section.person-event');
    expect(await events.count()).toBe(1);
    const rules = events.getByRole('table');
    expect(await rules.locator('tbody tr').allInnerTexts()).toEqual([
      'vip-visit-slack\tmissed\tcondition failed: none of (user.email in list vip_emails (ignore case); user.email_domain in list vip_domains (ignore case))',
      'visit-hubspot-sync\tmatched\tcrm: done',
    ]);
    expect(await events.locator('p.muted').innerText()).toBe('Not on this event: join-discord (not subscribed to user.visited)');
    expect(await screenshotBothWidths(page, 'why-bob')).toEqual({ desktop: 0, phone: 0 });
    await page.getByLabel('User email or id').fill('JaneDoe@Example.com');
    await page.getByRole('combobox', { name: /^Rule/ }).selectOption('vip-visit-slack', { timeout: 5000 });
    await page.getByRole('button', { name: 'Show', exact: true }).click({ timeout: 5000 });
    await page.waitForURL(/rule=vip-visit-slack/, { timeout: 5000 });
    expect(await page.locator('section.person-event tbody tr').allInnerTexts()).toEqual(['vip-visit-slack\tmatched\tvip-alerts: dead slack error: channel_not_found']);
    expect(await screenshotBothWidths(page, 'why-jane')).toEqual({ desktop: 0, phone: 0 });
  });

  it('replays the dead letter from the dead-letters page and shows it delivered at the fake Slack', async () => {
    const jobId = `${t.ids.vip}:vip-visit-slack:0`;
    expect(t.slack.messages).toEqual([]);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Dead letters' }).click();
    await page.waitForURL(`${t.consoleUrl}/dead`);
    const rows = page.getByRole('table', { name: 'Dead letters' }).locator('tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.locator('td[data-label="Last error"]').innerText()).toBe('slack error: channel_not_found');
    expect(await screenshotBothWidths(page, 'dead-letters')).toEqual({ desktop: 0, phone: 0 });
    await page.getByRole('button', { name: `Replay ${jobId}` }).click();
    await page.waitForURL(/\/console\/replays\//);
    // The outcome page reloads itself until the replay is delivered.
    await page.locator('table[aria-label="Replayed jobs"] .badge.done').waitFor({ timeout: 15_000 });
    expect(await page.getByRole('status').innerText()).toBe('1 of 1 delivered');
    expect(await page.getByRole('table', { name: 'Replayed jobs' }).locator('td[data-label="Job"]').innerText()).toBe(`${jobId}#r1\nreplays ${jobId}`);
    expect(t.slack.messages.map((m) => [m.channel, m.text])).toEqual([[LINKS.slackChannel, "VIP visit: Jane Doe (janedoe@example.com) is in John's community"]]);
    expect(await screenshotBothWidths(page, 'replay')).toEqual({ desktop: 0, phone: 0 });
    await page.goto(`${t.consoleUrl}/dead`);
    expect(await page.locator('main p.muted').last().innerText()).toBe('No dead letters: every action was delivered, is still being tried, or was replayed.');
  });

  it("links each delivered job to the vendor's page (Slack message, Discord message, HubSpot contact), opening without referrer or opener", async () => {
    await page.goto(`${t.consoleUrl}/events/${t.ids.vip}`);
    const links = page.getByRole('table', { name: 'Jobs' }).locator('a.vendor');
    // The dead Slack alert has no page; its replay (listed after the HubSpot upsert) has.
    expect(await links.allInnerTexts()).toEqual(['HubSpot contact ↗', 'Slack message ↗']);
    expect(await links.evaluateAll((els) => els.map((el) => ['href', 'rel', 'target'].map((n) => (el as unknown as { getAttribute(n: string): string }).getAttribute(n))))).toEqual([
      [`https://app.hubspot.com/contacts/${LINKS.portalId}/record/0-1/5001`, 'noopener noreferrer', '_blank'],
      [`${LINKS.workspaceUrl}/archives/${LINKS.slackChannel}/p1700000000000100`, 'noopener noreferrer', '_blank'],
    ]);
    expect(await screenshotBothWidths(page, 'event-links')).toEqual({ desktop: 0, phone: 0 });
    await page.goto(`${t.consoleUrl}/events/${t.ids.xss}`);
    expect(await page.getByRole('link', { name: 'Discord message ↗' }).getAttribute('href')).toBe(`https://discord.com/channels/${LINKS.guildId}/111111111111111111/1234567890123456789`);
  });

  it('shows a user named with an XSS payload as text, on the list and on the event', async () => {
    await page.goto(`${t.consoleUrl}/events?type=user.joined`);
    expect(await page.getByRole('table', { name: 'Events' }).locator('td[data-label="User"]').innerText()).toBe(`${XSS_NAME}\nmallory@example.net`);
    await page.goto(`${t.consoleUrl}/events/${t.ids.xss}`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`user.joined · ${XSS_NAME}`);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await screenshotBothWidths(page, 'event-xss')).toEqual({ desktop: 0, phone: 0 });
  });

  it('shows new events live on the Events page (server-sent events, the bridge’s own script)', async () => {
    await page.goto(`${t.consoleUrl}/events`);
    const status = page.getByRole('status');
    await page.getByText('Live: new events appear here.').waitFor();
    const r = await t.post(eventBy({ id: '777', name: 'Lee Live', email: 'lee@example.org' }));
    expect(r.status).toBe(202);
    const rows = page.getByRole('table', { name: 'Events' }).locator('tbody tr');
    await rows.filter({ hasText: 'Lee Live' }).waitFor({ timeout: 10_000 });
    expect(await status.innerText()).toBe('Live: 1 new event since this page loaded.');
    expect(await rows.count()).toBe(4);
    expect(await rows.first().locator('td[data-label="User"]').innerText()).toBe('Lee Live\nlee@example.org');
    expect(await screenshotBothWidths(page, 'events-live')).toEqual({ desktop: 0, phone: 0 });
  });

  it('shows the rules in force with each rule’s last 24 h as a chart, and the destinations with their queue and last 24 h', async () => {
    // HubSpot upserts linger for a batch: the page is read once every job has settled.
    await vi.waitFor(async () => expect(await t.bridge.store.deliveries.queueDepth()).toEqual({}), { timeout: 15_000, interval: 50 });
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Rules' }).click();
    await page.waitForURL(`${t.consoleUrl}/rules`);
    const charts = page.getByRole('table', { name: 'Rules' }).getByRole('img');
    expect(await charts.evaluateAll((els) => els.map((el) => (el as unknown as { getAttribute(n: string): string }).getAttribute('aria-label')))).toEqual([
      'vip-visit-slack, last 24 hours: 1 matched, 0 suppressed, 1 sent',
      'join-discord, last 24 hours: 1 matched, 0 suppressed, 1 sent',
      'visit-hubspot-sync, last 24 hours: 3 matched, 0 suppressed, 3 sent',
    ]);
    const destinations = page.getByRole('table', { name: 'Destinations' });
    expect(await destinations.locator('td[data-label="Destination"], td[data-label="Mode"], td[data-label="Breaker"], td[data-label="Queue"]').allInnerTexts()).toEqual([
      'vip-alerts (slack)', 'live', 'closed', '0 waiting, 0 sending',
      'community-joins (discord)', 'live', 'closed', '0 waiting, 0 sending',
      'crm (hubspot)', 'live', 'closed', '0 waiting, 0 sending',
    ]);
    expect(await destinations.getByRole('img').evaluateAll((els) => els.map((el) => (el as unknown as { getAttribute(n: string): string }).getAttribute('aria-label')))).toEqual([
      'vip-alerts, last 24 hours: 1 sent, 1 failed',
      'community-joins, last 24 hours: 1 sent, 0 failed',
      'crm, last 24 hours: 3 sent, 0 failed',
    ]);
    expect(await screenshotBothWidths(page, 'rules')).toEqual({ desktop: 0, phone: 0 });
  });

  it('logs no CSP violation, script error, dialog or failed request on any page', () => {
    expect(b.problems).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [], failedRequests: [] });
  });
});

