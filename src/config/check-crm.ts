import { crmProperty, isCrmPath } from '../rules/crm-fields.js';
import type { ConfigIssue, PathSegment } from './config-error.js';
import { asRecord, own, type RawRecord } from './raw-data.js';
import { walkConditions } from './walk-conditions.js';

/**
 * A rule's `crm.contact.*` fields: each names a property (`crm.contact.<property>`), and the rule
 * has one HubSpot destination to look the contact up in: its `crm:`, or the file's only one.
 */
export function checkCrm(rule: RawRecord, rulePath: readonly PathSegment[], root: unknown): { errors: ConfigIssue[]; warnings: ConfigIssue[] } {
  const errors: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const fields: { field: string; path: PathSegment[] }[] = [];
  walkConditions(own(rule, 'when'), [...rulePath, 'when'], (condition, path) => {
    const field = own(condition, 'field');
    if (typeof field !== 'string' || !isCrmPath(field)) return;
    if (crmProperty(field) === undefined) {
      errors.push({ path: [...path, 'field'], message: `unknown CRM field ${JSON.stringify(field)}; use crm.contact.<property>, a HubSpot contact property's internal name (e.g. crm.contact.lifecyclestage)` });
    } else fields.push({ field, path: [...path, 'field'] });
  });
  const named = own(rule, 'crm');
  const first = fields[0];
  if (first === undefined) {
    for (const key of ['crm', 'on_lookup_error'] as const) {
      if (own(rule, key) !== undefined) warnings.push({ path: [...rulePath, key], at: 'key', message: `${key} is set but no condition of this rule reads crm.contact.*` });
    }
    return { errors, warnings };
  }
  const destinations = asRecord(own(asRecord(root) ?? {}, 'destinations')) ?? {};
  const kindOf = (name: string): unknown => own(asRecord(destinations[name]) ?? {}, 'kind');
  if (typeof named === 'string') {
    if (!Object.hasOwn(destinations, named)) errors.push({ path: [...rulePath, 'crm'], message: `undefined destination "${named}"` });
    else if (kindOf(named) !== 'hubspot') errors.push({ path: [...rulePath, 'crm'], message: `destination "${named}" is a ${String(kindOf(named))} destination, not hubspot: crm: names the HubSpot destination contacts are looked up in` });
    return { errors, warnings };
  }
  if (named !== undefined) return { errors, warnings }; // the schema reports a crm: that is not a name
  const hubspot = Object.keys(destinations).filter((name) => kindOf(name) === 'hubspot');
  if (hubspot.length === 0) {
    errors.push({ path: first.path, message: `${first.field} needs a hubspot destination to look the contact up in, and this file has none` });
  } else if (hubspot.length > 1) {
    errors.push({ path: first.path, message: `${first.field}: this file has ${hubspot.length} hubspot destinations (${hubspot.join(', ')}); say which one the contact is looked up in with crm: <name> on the rule` });
  }
  return { errors, warnings };
}
