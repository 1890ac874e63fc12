import type { HubspotDestination, HubspotParams } from './hubspot-config.js';
import { fitHubspotValue } from './hubspot-limits.js';

/**
 * One contact upsert by email (https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/batch/upsert-contacts),
 * and optionally a note associated with that contact. Values are data, not markup: nothing is escaped.
 */
export type HubspotRequest = {
  upsert: { idProperty: 'email'; id: string; properties: Record<string, string> };
  note?: string;
};

export function buildHubspotRequest(_dest: HubspotDestination, params: HubspotParams, render: (template: string) => string): HubspotRequest {
  // HubSpot matches emails case-insensitively; lower-casing keeps one event's batch dedupe and the
  // dispatcher's view of "same contact" in line with HubSpot's.
  const email = render(params.upsert_contact.email).trim().toLowerCase();
  const properties: Record<string, string> = {};
  for (const [name, template] of Object.entries(params.upsert_contact.properties)) {
    const value = render(template);
    // HubSpot clears a property set to ''; an event that lacks a field must not erase CRM data.
    if (value !== '') properties[name] = fitHubspotValue(value);
  }
  // `email` is the idProperty: it always equals the id, whatever `properties` says.
  properties.email = email;
  const request: HubspotRequest = { upsert: { idProperty: 'email', id: email, properties } };
  if (params.note !== undefined) request.note = fitHubspotValue(render(params.note));
  return request;
}
