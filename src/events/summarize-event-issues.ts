import type { EventIssue } from './parse-event.js';

const MAX_ISSUES_SHOWN = 10;

/** A payload's issues as one line for the 422 answer: `user.email: Invalid email address; date: Invalid ISO datetime` (the first few). */
export function summarizeEventIssues(issues: readonly EventIssue[]): string {
  const shown = issues.slice(0, MAX_ISSUES_SHOWN).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
  const more = issues.length - shown.length;
  return shown.join('; ') + (more > 0 ? `; and ${more} more` : '');
}
