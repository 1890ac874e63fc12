/**
 * CRM fields in conditions (README "Rules that know the CRM"): `crm.contact.<property>` names a
 * property of the event user's contact in a HubSpot destination, looked up by the planner (by
 * `user.email`) before the rules are evaluated. The rule engine never looks anything up: the
 * values, or the fact that they are unknown, come in with the plan context.
 */

/** HubSpot internal property names: lower-case letters, digits and underscores (`hs_lead_status`). */
const CRM_FIELD = /^crm\.contact\.([A-Za-z0-9_]+)$/;

/** What a rule does when its CRM values are unknown (the lookup failed): miss, match, or plan again later. */
export const LOOKUP_ERROR_POLICIES = ['skip', 'match', 'retry'] as const;
export type LookupErrorPolicy = (typeof LOOKUP_ERROR_POLICIES)[number];

/** Whether a field path is in the reserved `crm.` namespace (valid or not). */
export const isCrmPath = (field: string): boolean => field === 'crm' || field.startsWith('crm.');

/** The contact property a `crm.contact.<property>` field names; undefined for any other path. */
export function crmProperty(field: string): string | undefined {
  return CRM_FIELD.exec(field)?.[1];
}

/** How long a lookup's answer is reused when the destination says nothing (`lookup_ttl`). */
export const DEFAULT_LOOKUP_TTL = '1h';

/**
 * One destination's CRM answer for one event, as planning takes it: the contact's properties
 * (null where the contact has no value; `contact` null when there is no such contact, or the event
 * has no email), or unknown with why (the lookup failed, or `bridge test --offline` had no cached
 * answer).
 */
export type CrmAnswer =
  | { readonly status: 'known'; readonly contact: Readonly<Record<string, string | null>> | null }
  | { readonly status: 'unknown'; readonly reason: string };
