import type { AnyActionKind } from './action.js';
import { slackKind } from './slack/slack-kind.js';
import { discordKind } from './discord/discord-kind.js';
import { hubspotKind } from './hubspot/hubspot-kind.js';
import { returningAiKind } from './returning-ai/returning-ai-kind.js';

/**
 * Every destination kind the bridge knows. Adding a kind: a new folder under src/actions/ that
 * exports an ActionKind, and one line here; rules-schema.ts, the loader and the dispatcher pick it up.
 */
export const registry = {
  slack: slackKind,
  discord: discordKind,
  hubspot: hubspotKind,
  'returning-ai': returningAiKind,
} as const satisfies Record<string, AnyActionKind>;

export type ActionKindName = keyof typeof registry;

export function kindOf(name: string): AnyActionKind | undefined {
  return Object.hasOwn(registry, name) ? registry[name as ActionKindName] : undefined;
}
