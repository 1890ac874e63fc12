import type { CredentialProblem } from './action.js';

/**
 * What is wrong with a credential value whatever its vendor, or undefined: a copy-paste slip
 * (spaces, a line break, quotes) would otherwise fail deep inside an HTTP client (an invalid
 * header character throws) or at the vendor. Never quotes the value.
 */
export function commonCredentialProblem(value: string): string | undefined {
  if (value.trim() === '') return 'is empty';
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(value)) return 'contains whitespace or a control character (a copy-paste slip?)';
  if (/^["'].*["']$/.test(value)) return 'is wrapped in quotes: set the variable to the bare value';
  return undefined;
}

/** `check` for each present field of `secrets`, after the common check; problems in field order. */
export function checkCredentialFields(
  secrets: Readonly<Record<string, string>>,
  checks: Readonly<Record<string, (value: string) => string | undefined>>,
): CredentialProblem[] {
  const problems: CredentialProblem[] = [];
  for (const [field, check] of Object.entries(checks)) {
    const value = secrets[field];
    if (value === undefined) continue;
    const message = commonCredentialProblem(value) ?? check(value);
    if (message !== undefined) problems.push({ field, message });
  }
  return problems;
}

/** The message `run` throws (a parser used as a shape check), or undefined when it does not. */
export function throwsMessage(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
