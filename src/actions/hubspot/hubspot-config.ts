import * as z from 'zod';
import { credential } from '../../env-ref.js';
import { DURATION, DURATION_MESSAGE } from '../../duration.js';

export const HubspotDestination = z
  .object({
    kind: z.literal('hubspot'),
    access_token: credential('HubSpot private app access token'),
    // Private apps on Free/Starter get 100 requests per 10 s; Professional/Enterprise 190.
    // https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines
    requests_per_10s: z.number().int().min(1).max(1000).default(100).describe('HubSpot burst limit for this app (100 on Free/Starter, 190 on Pro/Enterprise)'),
    // A contact's page is https://app.hubspot.com/contacts/<portal id>/record/0-1/<contact id> (0-1: the
    // contacts object type); the portal id is the account's `portalId`:
    // https://developers.hubspot.com/docs/api-reference/latest/account/account-information/get-account-details
    portal_id: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).optional().describe('your HubSpot account (portal, hub) id: the console then links each contact it upserted'),
    lookup_ttl: z.string().regex(DURATION, { message: DURATION_MESSAGE }).optional().describe('how long a crm.contact.* lookup answer (a "no such contact" too) is reused before HubSpot is asked again (default 1h)'),
  })
  .strict();
export type HubspotDestination = z.infer<typeof HubspotDestination>;

export const HubspotParams = z
  .object({
    destination: z.string().min(1).describe('name of a hubspot destination'),
    upsert_contact: z
      .object({
        email: z.string().min(1).describe('contact email (the idProperty); a template'),
        properties: z.record(z.string(), z.string()).default({}).describe('contact properties; values are templates'),
      })
      .strict(),
    note: z.string().min(1).optional().describe('also add a note to the contact; a template'),
  })
  .strict();
export type HubspotParams = z.infer<typeof HubspotParams>;
