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

/** A rule's `when`: field paths exist in the events it is `on`, regexes are RE2 syntax. */
export function checkConditions(rule: RawRecord, rulePath: readonly PathSegment[], types: readonly KnownEventType[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  walkConditions(own(rule, 'when'), [...rulePath, 'when'], (condition, path) => {
    const field = own(condition, 'field');
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
