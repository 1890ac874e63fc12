import { KNOWN_EVENT_TYPES, type KnownEventType } from '../events/event-types.js';
import { onEntryError } from '../rules/compile-on.js';
import type { ConfigIssue, PathSegment } from './config-error.js';
import { asArray, own, type RawRecord } from './raw-data.js';

const EXPECTED = `${KNOWN_EVENT_TYPES.join(', ')}, '*', 'unknown' or 'event:<exact event.name>'`;

/**
 * The known event types a rule is `on`, whose fields its conditions and templates are checked
 * against (`*` is every known type; `unknown` and `event:<name>` are open, so add none), and an
 * issue per entry the rule engine would refuse.
 */
export function ruleEventTypes(rule: RawRecord, rulePath: readonly PathSegment[]): { types: KnownEventType[]; issues: ConfigIssue[] } {
  const on = own(rule, 'on');
  const entries: [unknown, PathSegment[]][] =
    typeof on === 'string' ? [[on, [...rulePath, 'on']]] : (asArray(on) ?? []).map((e, i) => [e, [...rulePath, 'on', i]]);
  const types = new Set<KnownEventType>();
  const issues: ConfigIssue[] = [];
  for (const [entry, path] of entries) {
    if (typeof entry !== 'string') continue;
    if (onEntryError(entry) !== undefined) {
      const message = entry.startsWith('event:')
        ? `event type "event:" needs an event name, e.g. "event:User Visits Server"`
        : `unknown event type ${JSON.stringify(entry)} (expected one of ${EXPECTED})`;
      issues.push({ path, message });
    } else if (entry === '*') KNOWN_EVENT_TYPES.forEach((t) => types.add(t));
    else if ((KNOWN_EVENT_TYPES as readonly string[]).includes(entry)) types.add(entry as KnownEventType);
  }
  return { types: [...types], issues };
}
