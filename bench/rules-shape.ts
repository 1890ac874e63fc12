/**
 * Rules of the shape issue 11 measures (a community bridge with per-server rules): rule i fires a
 * Slack alert when `server.id` is `srv{i % 50}` and the user is `vip{i}@a.com`, `boss{i}@b.com` or
 * has id `u{i}`.
 */
export function rulesYaml(count: number): string {
  const lines = [
    'version: 1',
    'destinations:',
    '  alerts: { kind: slack, token: "${SLACK_BOT_TOKEN}", channel: "#vip" }',
    'rules:',
  ];
  for (let i = 0; i < count; i++) {
    lines.push(
      `  - name: rule-${i}`,
      '    on: user.visited',
      '    when:',
      '      all:',
      `        - { field: server.id, equals: srv${i % 50} }`,
      '        - any:',
      `            - { field: user.email, in: [vip${i}@a.com, boss${i}@b.com] }`,
      `            - { field: user.id, equals: u${i} }`,
      '    actions:',
      `      - slack: { destination: alerts, text: "VIP {{ user.name }} in {{ server.name }} (rule ${i})" }`,
    );
  }
  return `${lines.join('\n')}\n`;
}
