const ZERO_WIDTH_SPACE = '\u200b';

/**
 * Escapes Discord markdown in one event value so it renders as typed and cannot mislead:
 * - `\ * _ ~ ` | ` (emphasis, code, spoilers), `[ ] ( )` (so a masked link `[x](https://evil)` cannot
 *   be forged) and `<` (so `<@id>`, `<#id>`, `<@&id>`, `<t:...>` and `</cmd:id>` are not tokens);
 * - `>`, `#` and `-#` at the start of a line (quotes, headers, subtext); the value's start counts,
 *   since a template may put it at the start of a line;
 * - `@everyone` / `@here` get a zero-width space after the `@`.
 * Pings are stopped by `allowed_mentions` regardless; this keeps the text honest.
 * https://support.discord.com/hc/en-us/articles/210298617-Markdown-Text-101-Chat-Formatting-Bold-Italic-Underline
 */
export function escapeDiscord(value: string): string {
  return value
    .replace(/[\\*_~`|[\]()<]/g, '\\$&')
    .replace(/^([ \t]*)(>|#|-#)/gm, '$1\\$2')
    .replace(/@(everyone|here)/gi, `@${ZERO_WIDTH_SPACE}$1`);
}

/**
 * Undoes {@link escapeDiscord} for a field that is not markdown (an embed's `url`): escaping would
 * break a link like `https://x/a_b`. The result is kept only if it is an http(s) URL.
 */
export function discordUrl(rendered: string): string | undefined {
  const raw = rendered.replace(/\\([\\*_~`|[\]()<>#-])/g, '$1').replaceAll(`@${ZERO_WIDTH_SPACE}`, '@');
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || url.protocol === 'http:' ? raw : undefined;
  } catch {
    return undefined;
  }
}
