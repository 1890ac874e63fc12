import type { ActionKind } from '../action.js';
import { envRefName } from '../../env-ref.js';
import { HubspotDestination, HubspotParams } from './hubspot-config.js';
import { buildHubspotRequest, type HubspotRequest } from './hubspot-request.js';
import { createHubspotSender } from './create-hubspot-sender.js';
import { checkCredentialFields } from '../credential-shape.js';
import { hubspotWhoAmI } from './hubspot-who-am-i.js';
import { noteMemoKey } from './hubspot-memo.js';
import { HUBSPOT_MAX_BATCH, hubspotRequestsPerCall } from './hubspot-limits.js';

/** HubSpot: upsert a contact by email (private app token), optionally with a note. */
export const hubspotKind: ActionKind<HubspotDestination, HubspotParams, HubspotRequest> = {
  kind: 'hubspot',
  apiUrlEnv: 'HUBSPOT_API_URL',
  destinationSchema: HubspotDestination,
  actionSchema: HubspotParams,
  credentialFields: ['access_token'],
  credentialSets: [['access_token']],
  // Values are data in HubSpot, not markup.
  escape: (value) => value,
  buildRequest: buildHubspotRequest,
  // HubSpot limits each private app (one token) per 10 s; destinations sharing a token share it.
  // https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines
  rateLimit: (dest) => ({ key: `hubspot:${tokenRef(dest)}`, limit: dest.requests_per_10s, intervalMs: 10_000 }),
  // The sender reports the requests past these that isolating a rejected batch makes.
  requestsPerCall: (_dest, requests) => hubspotRequestsPerCall(requests),
  // A job with a note remembers the note's id, so no retry or replay creates a second one.
  memoKeys: (_dest, request, idempotencyKey) => (request.note === undefined ? [] : [noteMemoKey(idempotencyKey)]),
  // Upserts batch (up to 100 per call), their notes with them; never across tokens.
  batchKey: (dest) => `hubspot-upsert:${tokenRef(dest)}`,
  maxBatch: HUBSPOT_MAX_BATCH,
  // A private app token (pat-…) or an OAuth access token, sent as `Authorization: Bearer <token>`;
  // HubSpot says to allow up to 300 characters for either.
  // https://developers.hubspot.com/docs/apps/legacy-apps/authentication/intro-to-auth
  checkCredentials: (secrets) =>
    checkCredentialFields(secrets, {
      access_token: (v) =>
        /^bearer\b/i.test(v) ? 'starts with "Bearer": set the variable to the bare token' : v.length > 512 ? `is ${v.length} characters long; HubSpot tokens are up to about 300` : undefined,
    }),
  whoAmI: hubspotWhoAmI,
  createSender: (dest, deps) => createHubspotSender(dest, deps),
};

/** The token's variable name (`HUBSPOT_ACCESS_TOKEN`), never its value. */
function tokenRef(dest: HubspotDestination): string {
  return envRefName(dest.access_token) ?? dest.access_token;
}
