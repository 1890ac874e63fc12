import type { ResolvedDestination } from '../config/load-rules.js';
import type { LinkSettings } from '../console/vendor-link.js';

/** What the console needs of each destination to link its deliveries: Slack `workspace_url`, Discord `guild_id`, HubSpot `portal_id`. */
export function linkSettings(destinations: ReadonlyMap<string, ResolvedDestination>): ReadonlyMap<string, LinkSettings> {
  const out = new Map<string, LinkSettings>();
  for (const [name, d] of destinations) {
    const c = d.config;
    const text = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
    const workspaceUrl = text(c.workspace_url);
    const guildId = text(c.guild_id);
    const portalId = text(c.portal_id);
    out.set(name, { kind: d.kind, ...(workspaceUrl !== undefined && { workspaceUrl }), ...(guildId !== undefined && { guildId }), ...(portalId !== undefined && { portalId }) });
  }
  return out;
}
