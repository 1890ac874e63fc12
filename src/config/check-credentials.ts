import { commonCredentialProblem } from '../actions/credential-shape.js';
import { kindOf } from '../actions/registry.js';
import type { ConfigIssue } from './config-error.js';
import { envRefName } from '../env-ref.js';
import type { ResolvedDestination } from './resolve-destinations.js';

/**
 * Credential values checked after `${VAR}` resolution, by each kind's documented shapes (its
 * `checkCredentials`, or the common checks): a malformed one is a config error located at the
 * reference, naming the destination, field and variable, never the value.
 */
export function checkCredentials(destinations: ReadonlyMap<string, ResolvedDestination>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [name, d] of destinations) {
    const kind = kindOf(d.kind);
    const problems = kind?.checkCredentials?.(d.secrets) ?? Object.entries(d.secrets).flatMap(([field, value]) => {
      const message = commonCredentialProblem(value);
      return message === undefined ? [] : [{ field, message }];
    });
    for (const { field, message } of problems) {
      const ref = d.config[field];
      const variable = typeof ref === 'string' ? envRefName(ref) : undefined;
      issues.push({ path: ['destinations', name, field], message: `${name} ${field} from \${${variable ?? '?'}}: ${message}` });
    }
  }
  return issues;
}
