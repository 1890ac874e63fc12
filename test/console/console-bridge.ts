import { readFileSync } from 'node:fs';
import { slackReplies } from '../fakes/fake-slack.js';
import { startTestBridge, DISCORD_WEBHOOK, type TestBridge } from '../e2e/start-test-bridge.js';

export const CONSOLE_PASSWORD = 'console-password-for-tests';
export const CONSOLE_TOKEN = 'console-api-token-0123456789abcdef';
/** Every secret the test bridge holds: none may appear in a console page or API answer. */
export const SECRETS = [CONSOLE_PASSWORD, CONSOLE_TOKEN, 'xoxb-test-token', 'pat-na1-test', DISCORD_WEBHOOK.token];
export const XSS_NAME = '<img src=x onerror=alert(1)>';

const visit = JSON.parse(readFileSync(new URL('../fixtures/events/visit.json', import.meta.url), 'utf8')) as Record<string, any>;

/** A visit (or another event) by a user; the content differs per user, so each gets its own id. */
export function eventBy(user: { id: string; name: string; email: string }, name = 'User Visits Server'): unknown {
  const [firstName = '', lastName = ''] = user.name.split(' ');
  return { ...visit, user: { ...visit.user, ...user, firstName, lastName, displayname: user.name, nicename: user.id }, event: { ...visit.event, name } };
}

export interface ConsoleBridge extends TestBridge {
  readonly consoleUrl: string;
  /** Event ids by story: the VIP visit whose Slack alert died, a non-VIP visit, the XSS user's join. */
  readonly ids: { readonly vip: string; readonly bob: string; readonly xss: string };
}

/**
 * The real bridge with the console on (password and token), fake vendors, and three stored events:
 * Jane (a VIP: the Slack alert fails permanently, so a dead letter), Bob (not a VIP: the Slack
 * rule's condition fails), and a join by a user whose name is an XSS payload.
 */
export async function startConsoleBridge(env: Record<string, string> = {}): Promise<ConsoleBridge> {
  const t = await startTestBridge({ env: { CONSOLE_PASSWORD, CONSOLE_TOKEN, ...env } });
  t.slack.failNext(1, slackReplies.error('channel_not_found'), (c) => c.path.endsWith('chat.postMessage'));
  const ids: Record<string, string> = {};
  const stories: [string, unknown][] = [
    ['vip', eventBy({ id: '1234', name: 'Jane Doe', email: 'janedoe@example.com' })],
    ['bob', eventBy({ id: '5678', name: 'Bob Smith', email: 'bob@example.org' })],
    ['xss', eventBy({ id: '666', name: XSS_NAME, email: 'mallory@example.net' }, 'User Joins Server')],
  ];
  for (const [story, body] of stories) {
    const r = await t.post(body);
    if (r.status !== 202) throw new Error(`${story}: ${r.status} ${JSON.stringify(r.json)}`);
    ids[story] = (r.json as { id: string }).id;
  }
  await t.bridge.idle();
  return { ...t, consoleUrl: `${t.bridge.url}/console`, ids: ids as ConsoleBridge['ids'] };
}
