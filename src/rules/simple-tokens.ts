/** Mustache's token for text or a `{{ name }}` tag: [type, value, start, end]. */
export type SimpleToken = [string, string, number, number];

const isNameChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 /* _ */ || c === 46 /* . */ || c === 45; /* - */
const isBlank = (c: number): boolean => c === 32 || c === 9;

/**
 * Mustache.parse's tokens for a template whose tags are all plain names (`{{ user.name }}`), or
 * undefined for any other template (sections, unescaped or triple tags, comments, partials,
 * delimiter changes, other whitespace in a tag, an unclosed tag), which Mustache then parses.
 * Nearly every template in a rules file is the simple kind, and at 10,000 rules Mustache's
 * character-by-character scan was ~60 ms of loading. A name tag never strips whitespace, so the
 * tokens are the text between tags and the tags themselves; test/rules/simple-tokens.test.ts holds
 * this to Mustache.parse on random templates.
 */
export function simpleTokens(template: string): SimpleToken[] | undefined {
  const out: SimpleToken[] = [];
  let pos = 0;
  for (;;) {
    const open = template.indexOf('{{', pos);
    const textEnd = open === -1 ? template.length : open;
    if (textEnd > pos) out.push(['text', template.slice(pos, textEnd), pos, textEnd]);
    if (open === -1) return out;
    let i = open + 2;
    while (i < template.length && isBlank(template.charCodeAt(i))) i += 1;
    const nameStart = i;
    while (i < template.length && isNameChar(template.charCodeAt(i))) i += 1;
    if (i === nameStart) return undefined;
    const nameEnd = i;
    while (i < template.length && isBlank(template.charCodeAt(i))) i += 1;
    if (template.charCodeAt(i) !== 125 || template.charCodeAt(i + 1) !== 125) return undefined;
    pos = i + 2;
    out.push(['name', template.slice(nameStart, nameEnd), open, pos]);
  }
}
