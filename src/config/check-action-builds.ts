import { kindOf } from '../actions/registry.js';
import type { ConfigIssue } from './config-error.js';
import type { RulesFile } from './rules-schema.js';
import { errorMessage } from '../error-message.js';

/**
 * Builds every action's request once with templates left as written, so that what a kind can
 * only tell by building (a Slack action with no channel anywhere, a Discord bot action with no
 * channel_id) is a load error rather than a silent miss on every event.
 */
export function checkActionBuilds(file: RulesFile): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  file.rules.forEach((rule, r) => {
    rule.actions.forEach((action, a) => {
      for (const [kindName, params] of Object.entries(action)) {
        const kind = kindOf(kindName);
        const dest = file.destinations[(params as { destination: string }).destination];
        if (kind === undefined || dest === undefined || dest.kind !== kindName) continue;
        try {
          kind.buildRequest(dest, params, (template: string) => template);
        } catch (err) {
          issues.push({ path: ['rules', r, 'actions', a, kindName], message: errorMessage(err) });
        }
      }
    });
  });
  return issues;
}
