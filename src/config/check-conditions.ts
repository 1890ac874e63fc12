import { isKnownField, knownFields } from '../events/fields.js';
import type { KnownEventType } from '../events/event-types.js';
import { checkRegex } from './check-regex.js';
import { isCrmPath } from '../rules/crm-fields.js';
import { joinWords, type ConfigIssue, type PathSegment } from './config-error.js';
import { own, type RawRecord } from './raw-data.js';
import { walkConditions } from './walk-conditions.js';

/** The event types among `types` that have no field at `path`. */
export function typesLacking(path: string, types: readonly KnownEventType[]): KnownEventType[] {
  return types.filter((t) => !isKnownField(t, path));
}

/** The conditions of a rule: `when`, and `bypass_digest` (README "Digests"). */
export const CONDITION_KEYS = ['when', 'bypass_digest'] as const;

/** A rule's `when` and `bypass_digest`: field paths exist in the events it is `on`, regexes are RE2 syntax. */
export function checkConditions(rule: RawRecord, rulePath: readonly PathSegment[], types: readonly KnownEventType[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const key of CONDITION_KEYS) walkConditions(own(rule, key), [...rulePath, key], (condition, path) => {
    const field = own(condition, 'field');
    if (typeof field === 'string' && isCrmPath(field) && key === 'bypass_digest') {
      issues.push({ path: [...path, 'field'], message: 'bypass_digest cannot read crm.contact.* (only when can)' });
    }
    // crm.* fields are not the event's: check-crm.ts checks them.
    if (typeof field === 'string' && !isCrmPath(field)) {
      const lacking = typesLacking(field, types);
      if (lacking[0] !== undefined) {
        issues.push({ path: [...path, 'field'], message: `unknown field ${JSON.stringify(field)} for ${joinWords(lacking)} (known: ${knownFields(lacking[0]).join(', ')})` });
      }
    }
    const pattern = own(condition, 'matches');
    if (typeof pattern === 'string') {
      const problem = checkRegex(pattern);
      if (problem !== undefined) issues.push({ path: [...path, 'matches'], message: problem });
    }
  });
  return issues;
}
