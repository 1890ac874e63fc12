import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { CONSOLE_PASSWORD } from './console-bridge.js';

/** Debian's chromium (`.ci/run` installs it): Playwright cannot download its own browsers here. */
export const CHROMIUM = '/usr/bin/chromium';

/** No network of its own (no updates, sync, QUIC, first-run pages), no GPU, no sandbox (root in CI). */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Where the tests write screenshots (gitignored; look at them after a run). */
export const SCREENSHOT_DIR = join(process.cwd(), 'test-output', 'console-screenshots');

export const WIDTHS = { desktop: 1280, phone: 390 } as const;

/** What went wrong in the browser while a test ran: console errors (CSP violations among them), page errors, dialogs, failed requests. */
export interface PageProblems {
  readonly consoleErrors: string[];
  readonly pageErrors: string[];
  readonly dialogs: string[];
  readonly failedRequests: string[];
}

export interface ConsoleBrowser {
  /** One context (one profile, one cookie jar) for the whole file, with its problems. */
  readonly context: BrowserContext;
  readonly problems: PageProblems;
  newPage(width?: number): Promise<Page>;
  close(): Promise<void>;
}

/**
 * One headless chromium for a test file, in an empty temporary profile (a persistent context on a
 * fresh temp user-data-dir, deleted at close). Every page it opens reports console errors, page
 * errors, dialogs (dismissed: an XSS `alert` shows up here) and answers of 400 and up.
 */
export async function launchConsoleBrowser(): Promise<ConsoleBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no ${CHROMIUM}: install Debian's chromium (apt-get install -y --no-install-recommends chromium), as .ci/run does`);
  const userDataDir = mkdtempSync(join(tmpdir(), 'bridge-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, viewport: { width: WIDTHS.desktop, height: 800 } });
  const problems: PageProblems = { consoleErrors: [], pageErrors: [], dialogs: [], failedRequests: [] };
  const watch = (page: Page): void => {
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => problems.pageErrors.push(e.message));
    page.on('dialog', (d) => {
      problems.dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    page.on('response', (r) => {
      if (r.status() >= 400) problems.failedRequests.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
    });
  };
  context.on('page', watch);
  for (const p of context.pages()) watch(p);
  return {
    context,
    problems,
    async newPage(width = WIDTHS.desktop) {
      const page = context.pages().find((p) => p.url() === 'about:blank') ?? (await context.newPage());
      await page.setViewportSize({ width, height: 800 });
      return page;
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Logs in as a person at a keyboard would: the focused password field, Tab to the button, Enter. */
export async function logInWithKeyboard(page: Page, consoleUrl: string, next = '/events'): Promise<void> {
  await page.goto(`${consoleUrl}${next}`);
  await page.keyboard.type(CONSOLE_PASSWORD);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => !u.pathname.endsWith('/login'));
}

/** What the browser-side functions below use: the project's TypeScript has no DOM types (the casts are erased before they are sent). */
interface Dom {
  readonly document: { readonly activeElement: unknown; readonly documentElement: { readonly scrollWidth: number; readonly clientWidth: number } };
  getComputedStyle(el: unknown): { readonly color: string };
}

/** How far the page scrolls sideways (0 when it fits its width). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const root = (globalThis as unknown as Dom).document.documentElement;
    return root.scrollWidth - root.clientWidth;
  });
}

/** Whether the element has the keyboard focus. */
export function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => el === (globalThis as unknown as Dom).document.activeElement);
}

/** The element's computed text colour, `rgb(r, g, b)`. */
export function colorOf(locator: Locator): Promise<string> {
  return locator.evaluate((el) => (globalThis as unknown as Dom).getComputedStyle(el).color);
}

/** Screenshots of the page as it is at 1280 and 390 px wide (full height), as `<name>-1280.png` and `<name>-390.png`; the sideways overflow at each. */
export async function screenshotBothWidths(page: Page, name: string): Promise<Record<keyof typeof WIDTHS, number>> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const out = { desktop: 0, phone: 0 };
  for (const [key, width] of Object.entries(WIDTHS) as [keyof typeof WIDTHS, number][]) {
    await page.setViewportSize({ width, height: 800 });
    out[key] = await horizontalOverflow(page);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: WIDTHS.desktop, height: 800 });
  return out;
}
