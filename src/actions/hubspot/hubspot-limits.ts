/**
 * Contacts per batch upsert (https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/batch/upsert-contacts),
 * and so notes per batch create too: one job carries at most one note.
 */
export const HUBSPOT_MAX_BATCH = 100;

/**
 * HTTP requests a call carrying `requests` makes when nothing is rejected: the batch upsert, then
 * one notes batch when a job has a note (a note needs its contact's id, so it cannot ride the upsert).
 */
export function hubspotRequestsPerCall(requests: readonly { readonly note?: string }[]): number {
  return requests.some((r) => r.note !== undefined) ? 2 : 1;
}

/**
 * HubSpot stores text property values up to 65,536 characters
 * (https://knowledge.hubspot.com/properties/create-and-edit-properties) and a note's `hs_note_body`
 * up to the same (https://developers.hubspot.com/docs/api-reference/crm-notes-v3/guide). A longer
 * value fails the whole request with 400 VALIDATION_ERROR; one long bio should not cost the upsert,
 * so such values are cut to fit and end with TRUNCATION_MARKER, visible in HubSpot.
 */
export const HUBSPOT_VALUE_MAX = 65_536;
export const TRUNCATION_MARKER = '…[truncated]';

export function fitHubspotValue(value: string): string {
  if (value.length <= HUBSPOT_VALUE_MAX) return value;
  let end = HUBSPOT_VALUE_MAX - TRUNCATION_MARKER.length;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1; // never split a surrogate pair
  return value.slice(0, end) + TRUNCATION_MARKER;
}
