/**
 * Escapes the three characters Slack treats as control characters, so an event value such as
 * `<!channel>` or `<https://evil|click>` renders as text instead of pinging or forging a link.
 * https://docs.slack.dev/messaging/formatting-message-text#escaping
 */
export function escapeSlack(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
