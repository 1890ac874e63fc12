import type { FakeDiscord } from '../fakes/fake-discord.js';
import type { FakeHubspot } from '../fakes/fake-hubspot.js';
import type { FakeSlack } from '../fakes/fake-slack.js';

/** POSTs a JSON body (an object, or text as is) and returns the status and parsed answer. */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

/** The base-URL overrides that point the real vendor clients at the fakes. */
export function fakeApiEnv(fakes: { slack: FakeSlack; discord: FakeDiscord; hubspot: FakeHubspot }): Record<string, string> {
  return { SLACK_API_URL: fakes.slack.apiUrl, DISCORD_API_URL: fakes.discord.apiUrl, HUBSPOT_API_URL: fakes.hubspot.url };
}
