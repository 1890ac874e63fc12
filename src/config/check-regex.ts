import { checkSync } from 'recheck';

// recheck (https://makenowjust-labs.github.io/recheck/) decides ReDoS by automata theory or
// seeded (deterministic) fuzzing: unlike a star-height heuristic it catches `(a|a)*$` and lets a
// harmless `(a*)*` through. Only exponential blow-ups are refused: a polynomial one (`\s*$` is
// quadratic) is common in hand-written patterns and bounded on event-sized strings.
const CHECK_TIMEOUT_MS = 2_000;

const cache = new Map<string, string | undefined>();

function syntaxError(pattern: string, flags: string): string | undefined {
  try {
    new RegExp(pattern, flags);
    return undefined;
  } catch (e) {
    // "Invalid regular expression: /(/: Unterminated group" -> "unterminated group"
    const message = e instanceof Error ? e.message : String(e);
    const reason = message.slice(message.lastIndexOf(': ') + 2);
    return reason.charAt(0).toLowerCase() + reason.slice(1);
  }
}

/**
 * Why a `matches` pattern cannot be used, or undefined when it can. Patterns are compiled as the
 * rule engine compiles them: `new RegExp(pattern, flags)`.
 */
export function checkRegex(pattern: string, flags = ''): string | undefined {
  const key = `${flags}/${pattern}`;
  if (cache.has(key)) return cache.get(key);
  let problem: string | undefined;
  const invalid = syntaxError(pattern, flags);
  if (invalid !== undefined) {
    problem = `invalid regex "${pattern}": ${invalid}`;
  } else {
    const result = checkSync(pattern, flags, { timeout: CHECK_TIMEOUT_MS });
    if (result.status === 'vulnerable' && result.complexity.type === 'exponential') {
      problem = `regex "${pattern}" may backtrack catastrophically; rewrite it without nested quantifiers`;
    }
  }
  cache.set(key, problem);
  return problem;
}
