import type { Job } from '../store/job-queue.js';

/** What the console knows of a destination to link what it delivered (from its rules.yaml entry). */
export interface LinkSettings {
  readonly kind: string;
  /** Slack `workspace_url`, like https://acme.slack.com. */
  readonly workspaceUrl?: string;
  /** Discord `guild_id`. */
  readonly guildId?: string;
  /** HubSpot `portal_id`. */
  readonly portalId?: string;
}

/** A delivered job's place at the vendor: a link, or why none can be made. */
export type VendorLink = { readonly label: string; readonly url: string } | { readonly label: string; readonly missing: string };

const SLACK_TS = /^\d+\.\d+$/;
const SLACK_CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;
const SNOWFLAKE = /^\d{15,21}$/;
const HUBSPOT_ID = /^\d+$/;

const field = (request: unknown, name: string): string | undefined => {
  const v = request !== null && typeof request === 'object' ? (request as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v : undefined;
};

/**
 * The vendor's page for a delivered job, where one can be made: the Slack message, the Discord
 * message, the HubSpot contact. The ref must look like the vendor's id (a dry run's ref does not),
 * and the destination must say which workspace, server or portal it is in (the vendors' answers
 * do not). Undefined when the job has no ref or its kind has no page.
 */
export function vendorLink(job: Job, settings: LinkSettings | undefined): VendorLink | undefined {
  const ref = job.ref;
  if (job.status !== 'done' || ref === null) return undefined;
  switch (job.kind) {
    case 'slack': {
      if (!SLACK_TS.test(ref)) return undefined;
      const label = 'Slack message';
      const channel = job.refChannel ?? field(job.request, 'channel');
      if (channel === undefined || !SLACK_CHANNEL_ID.test(channel)) return { label, missing: 'the channel id is not known (Slack did not answer with one)' };
      if (settings?.workspaceUrl === undefined) return { label, missing: 'set workspace_url on the destination for a link' };
      // The permalink form chat.getPermalink answers: https://docs.slack.dev/reference/methods/chat.getPermalink
      return { label, url: `${settings.workspaceUrl.replace(/\/+$/, '')}/archives/${channel}/p${ref.replace('.', '')}` };
    }
    case 'discord': {
      if (!SNOWFLAKE.test(ref)) return undefined;
      const label = 'Discord message';
      const channel = job.refChannel ?? field(job.request, 'channel_id');
      if (channel === undefined || !SNOWFLAKE.test(channel)) return { label, missing: 'the channel id is not known' };
      if (settings?.guildId === undefined) return { label, missing: "set guild_id on the destination for a link (Discord's answer does not name the server)" };
      // https://discord.com/channels/<guild>/<channel>/<message>, the "Copy Message Link" form:
      // https://discord.js.org/docs/packages/formatters/main/messageLink:Function
      return { label, url: `https://discord.com/channels/${settings.guildId}/${channel}/${ref}` };
    }
    case 'hubspot': {
      if (!HUBSPOT_ID.test(ref)) return undefined;
      const label = 'HubSpot contact';
      if (settings?.portalId === undefined) return { label, missing: 'set portal_id on the destination for a link' };
      // The contact record page (0-1 is the contacts object type id):
      // https://developers.hubspot.com/docs/api-reference/latest/crm/understanding-the-crm (Object type IDs)
      return { label, url: `https://app.hubspot.com/contacts/${settings.portalId}/record/0-1/${ref}` };
    }
    default:
      return undefined;
  }
}
