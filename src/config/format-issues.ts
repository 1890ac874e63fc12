import { formatPath, type ConfigIssue } from './config-error.js';
import type { YamlLocator } from './yaml-locator.js';

/** `<file>:<line>:<col> <path>: <message>` for each issue, sorted by position, duplicates dropped. */
export function formatIssues(issues: readonly ConfigIssue[], fileLabel: string, locator: YamlLocator): string[] {
  const located = issues.map((issue, order) => {
    const pos = issue.offset !== undefined ? locator.positionOfOffset(issue.offset) : locator.position(issue.path, issue.at);
    return { ...pos, order, text: `${fileLabel}:${pos.line}:${pos.col} ${formatPath(issue.path)}: ${issue.message}` };
  });
  located.sort((a, b) => a.line - b.line || a.col - b.col || a.order - b.order);
  return [...new Set(located.map((l) => l.text))];
}
