/**
 * rules.yaml for the crash test: every visit fires four actions, one per destination. Slack allows
 * about one message per second per channel (the dispatcher enforces it), so the Slack rule is
 * sharded over `shards` channels by the visitor's email domain, or a few hundred events would take
 * minutes to drain.
 */
export const CRASH_DISCORD_CHANNEL = '444444444444444444';
export const CRASH_WEBHOOK = { id: '555555555555555555', token: 'w'.repeat(68) };

export function crashRules(shards: number): string {
  const slackRules = Array.from({ length: shards }, (_, s) => {
    const shard = shardName(s);
    return `
  - name: slack-${shard}
    on: user.visited
    when: { field: user.email_domain, equals: "${shard}.example" }
    actions:
      - slack: { destination: slack, channel: "#crash-${shard}", text: "visit {{ user.name }}" }`;
  }).join('');
  return `version: 1
destinations:
  slack: { kind: slack, token: "\${SLACK_BOT_TOKEN}" }
  discord-bot: { kind: discord, bot_token: "\${DISCORD_BOT_TOKEN}", channel_id: "${CRASH_DISCORD_CHANNEL}" }
  discord-webhook: { kind: discord, webhook_url: "\${DISCORD_WEBHOOK_URL}" }
  hubspot: { kind: hubspot, access_token: "\${HUBSPOT_ACCESS_TOKEN}", requests_per_10s: 100 }
rules:${slackRules}
  - name: discord-bot
    on: user.visited
    actions:
      - discord: { destination: discord-bot, content: "visit {{ user.name }}" }
  - name: discord-webhook
    on: user.visited
    actions:
      - discord: { destination: discord-webhook, content: "visit {{ user.name }}" }
  - name: hubspot
    on: user.visited
    actions:
      - hubspot: { destination: hubspot, upsert_contact: { email: "{{ user.email }}", properties: { firstname: "{{ user.firstName }}" } } }
`;
}

export const shardName = (s: number): string => `s${String(s).padStart(2, '0')}`;

/** Event `i`'s visit: its user name `k<i>k` is the token every destination's message carries. */
export function crashVisit(i: number, shards: number): Record<string, unknown> {
  return {
    owner: { id: '1342', name: 'John Doe', email: 'johndoe@example.com' },
    user: { id: String(10_000 + i), firstName: `First${i}`, lastName: 'Crash', name: `k${i}k`, email: `crash-${i}@${shardName(i % shards)}.example` },
    date: new Date(Date.UTC(2025, 8, 2, 9, 0, 0, i)).toISOString(),
    event: { name: 'User Visits Server', description: 'Triggers when a user visits the server' },
    server: { id: '6502564c5c09c0a', name: 'Crash community' },
  };
}

/** The event index in a message ("visit k17k" → 17), or undefined. */
export function tokenOf(text: unknown): number | undefined {
  const m = typeof text === 'string' ? /\bk(\d+)k\b/.exec(text) : null;
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** The event index of a crash-test email, or undefined. */
export function indexOfEmail(email: string): number | undefined {
  const m = /^crash-(\d+)@/.exec(email);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}
