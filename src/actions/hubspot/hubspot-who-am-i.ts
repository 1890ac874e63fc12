import type { SenderDeps } from '../action.js';
import { shortWord, vendorJson } from '../vendor-get.js';
import type { HubspotDestination } from './hubspot-config.js';

/**
 * The cheapest read the bridge's scope allows: one contact (GET /crm/v3/objects/contacts?limit=1,
 * https://developers.hubspot.com/docs/api-reference/crm-contacts-v3/basic/get-crm-v3-objects-contacts).
 */
export async function hubspotWhoAmI(_dest: HubspotDestination, deps: SenderDeps): Promise<string> {
  const base = (deps.apiUrl ?? 'https://api.hubapi.com').replace(/\/+$/, '');
  await vendorJson('hubspot', `${base}/crm/v3/objects/contacts?limit=1`, { headers: { authorization: `Bearer ${deps.secrets.access_token ?? ''}` }, timeoutMs: deps.timeoutMs }, (b) => shortWord(b.category));
  return 'a private app token that can read contacts';
}
