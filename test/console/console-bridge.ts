import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { slackReplies } from '../fakes/fake-slack.js';
import { startTestBridge, DISCORD_WEBHOOK, type TestBridge } from '../e2e/start-test-bridge.js';

export const CONSOLE_PASSWORD = 'console-password-for-tests';
export const CONSOLE_TOKEN = 'console-api-token-0123456789abcdef';
/** Every secret the test bridge holds: none may appear in a console page or API answer. */
export const SECRETS = [CONSOLE_PASSWORD, CONSOLE_TOKEN, 'xoxb-test-token', 'pat-na1-test', DISCORD_WEBHOOK.token, 'caller-bearer-secret', 'cookie-secret-value', 'v1,signature-secret'];
/**
 * Headers Jane's visit is delivered with: an id to show, and credentials the intake must redact
 * before storing (by name, and a header whose value holds the bridge's own Slack token).
 */
export const VIP_HEADERS = {
  'x-request-id': 'req-jane-1',
  authorization: 'Bearer caller-bearer-secret',
  cookie: 'sid=cookie-secret-value',
  'webhook-signature': 'v1,signature-secret',
  'x-echo': 'copied xoxb-test-token here',
};
export const XSS_NAME = '<img src=x onerror=alert(1)>';
/** Where the console links deliveries (rules.yaml with these settings, and the Slack channel by id as Slack answers it). */
export const LINKS = { slackChannel: 'C0VIPVISITS', workspaceUrl: 'https://acme.slack.com', guildId: '222222222222222222', portalId: '4242' };

/** The bundled rules.yaml with the link settings added: the console's tests read its vendor links. */
function rulesWithLinks(): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'console-rules-'));
  const text = readFileSync(new URL('../../rules.yaml', import.meta.url), 'utf8')
    .replace('    channel: "#vip-visits"\n', `    channel: ${LINKS.slackChannel}\n    workspace_url: ${LINKS.workspaceUrl}\n`)
    .replace('    webhook_url: ${DISCORD_WEBHOOK_URL}\n', `    webhook_url: \${DISCORD_WEBHOOK_URL}\n    guild_id: "${LINKS.guildId}"\n`)
    .replace('    access_token: ${HUBSPOT_ACCESS_TOKEN}\n', `    access_token: \${HUBSPOT_ACCESS_TOKEN}\n    portal_id: ${LINKS.portalId}\n`);
  if (!text.includes(LINKS.portalId) || !text.includes(LINKS.guildId) || !text.includes(LINKS.workspaceUrl)) throw new Error('rules.yaml changed: the console tests cannot add their link settings');
  const file = join(dir, 'rules.yaml');
  writeFileSync(file, text);
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

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
  const rules = rulesWithLinks();
  const t = await startTestBridge({ rulesFile: rules.file, env: { CONSOLE_PASSWORD, CONSOLE_TOKEN, ...env } });
  t.slack.failNext(1, slackReplies.error('channel_not_found'), (c) => c.path.endsWith('chat.postMessage'));
  const ids: Record<string, string> = {};
  const stories: [string, unknown, Record<string, string>?][] = [
    ['vip', eventBy({ id: '1234', name: 'Jane Doe', email: 'janedoe@example.com' }), VIP_HEADERS],
    ['bob', eventBy({ id: '5678', name: 'Bob Smith', email: 'bob@example.org' })],
    ['xss', eventBy({ id: '666', name: XSS_NAME, email: 'mallory@example.net' }, 'User Joins Server')],
  ];
  for (const [story, body, headers] of stories) {
    const r = await t.post(body, headers);
    if (r.status !== 202) throw new Error(`${story}: ${r.status} ${JSON.stringify(r.json)}`);
    ids[story] = (r.json as { id: string }).id;
  }
  await t.bridge.idle();
  const close = async (): Promise<void> => {
    await t.close();
    rules.cleanup();
  };
  return { ...t, close, consoleUrl: `${t.bridge.url}/console`, ids: ids as ConsoleBridge['ids'] };
}
