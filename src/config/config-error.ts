/** One segment of a path into rules.yaml: a mapping key or a list index. */
export type PathSegment = string | number;

/**
 * One problem found in rules.yaml. It is located by `path` (the value there, or with `at: 'key'`
 * the key itself), or by `offset` into the text when the YAML did not parse that far.
 */
export interface ConfigIssue {
  readonly path: readonly PathSegment[];
  readonly message: string;
  readonly at?: 'key' | 'value';
  readonly offset?: number;
}

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/** `rules[0].actions[1].slack.destination`; keys that would read ambiguously are quoted: `lists["vip.emails"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Double-quoted names joined as `"a", "b" and "c"`, or plain words with `quote: false`. */
export function joinWords(words: readonly string[], quote = false): string {
  const q = quote ? words.map((w) => JSON.stringify(w)) : [...words];
  return q.length <= 1 ? q.join('') : `${q.slice(0, -1).join(', ')} and ${q.at(-1) ?? ''}`;
}

export function joinAlternatives(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1) ?? ''}`;
}
