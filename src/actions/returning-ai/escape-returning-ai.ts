const ZERO_WIDTH_SPACE = '\u200b';

/**
 * Neutralises one event value for a Returning.AI message. Returning.AI does not document how a
 * message renders (plain text, Markdown or HTML), so this is safe under all three and changes
 * nothing a reader would notice:
 * - `<` and `>` become the full-width `＜` `＞`: no HTML tag (`<a href>`, `<img>`), no `<@id>`-style
 *   token, no `<https://…>` autolink can form; an HTML entity (`&lt;`) would show as typed in plain text;
 * - a zero-width space after `@` (`@everyone`, `@here`, `@username`) so no mention can form;
 * - a zero-width space after `]` so no Markdown link or image (`[x](https://evil)`, `[x]: url`) can form.
 * A bare URL stays a URL: it shows where it goes.
 */
export function escapeReturningAi(value: string): string {
  return value
    .replace(/</g, '\uff1c')
    .replace(/>/g, '\uff1e')
    .replace(/@/g, `@${ZERO_WIDTH_SPACE}`)
    .replace(/\]/g, `]${ZERO_WIDTH_SPACE}`);
}
