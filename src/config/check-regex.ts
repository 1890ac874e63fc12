import { re2js } from '../re2.js';
import { errorMessage } from '../error-message.js';

const WHY = 'patterns run on a linear-time engine (RE2 syntax) so no event can stall the bridge';

/**
 * Constructs that only a backtracking engine can run, by how RE2's parser reports them (the text
 * between backticks in its error). RE2 leaves them out on purpose: https://github.com/google/re2/wiki/Syntax
 */
function unsupported(fragment: string, complaint: string): string | undefined {
  if (fragment.startsWith('(?=')) return 'look-ahead (?=…)';
  if (fragment.startsWith('(?!')) return 'negative look-ahead (?!…)';
  if (fragment.startsWith('(?<=')) return 'look-behind (?<=…)';
  if (fragment.startsWith('(?<!')) return 'negative look-behind (?<!…)';
  if (fragment.startsWith('(?>')) return 'atomic group (?>…)';
  if (/^\\[1-9]/.test(fragment)) return `back-reference ${fragment}`;
  if (fragment === '\\k') return 'back-reference \\k<…>';
  if (complaint === 'invalid nested repetition operator' && fragment.endsWith('+')) return `possessive quantifier ${fragment}`;
  return undefined;
}

/** JavaScript spellings RE2 writes another way. */
const SPELLED_OTHERWISE: Readonly<Record<string, string>> = {
  '\\u': 'escape \\u is JavaScript syntax: RE2 writes a code point as \\x{hhhh}',
  '\\c': 'escape \\c is JavaScript syntax: RE2 writes a control character as \\x{hh}',
};

/**
 * Why a `matches` pattern cannot be used, or undefined when it can. Patterns compile as the rule
 * engine compiles them (re2js: linear time in the length of the field, whatever the pattern), so
 * there is no backtracking to guard against, only syntax RE2 does not have.
 */
export function checkRegex(pattern: string): string | undefined {
  try {
    re2js().RE2JS.compile(pattern);
    return undefined;
  } catch (e) {
    // "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"
    const message = errorMessage(e);
    const reason = message.replace(/^error parsing regexp: /, '');
    const [, complaint = reason, fragment = ''] = /^(.*?): `(.*)`$/s.exec(reason) ?? [];
    const construct = unsupported(fragment, complaint);
    if (construct !== undefined) return `${construct} is not supported: ${WHY}`;
    const spelling = SPELLED_OTHERWISE[fragment];
    if (spelling !== undefined) return spelling;
    const at = fragment === '' || fragment === pattern ? '' : ` at \`${fragment}\``;
    return `invalid regex "${pattern}": ${complaint}${at}`;
  }
}
