/** Markup that is already escaped: only `html` and `raw` make one. */
export class SafeHtml {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * The one escaping function of the console: every value that reaches a page goes through it, in
 * text and in quoted attributes alike (the five characters HTML gives meaning to).
 */
export function escapeHtml(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

type Part = SafeHtml | string | number | boolean | null | undefined | readonly Part[];

function render(part: Part): string {
  if (part instanceof SafeHtml) return part.text;
  if (Array.isArray(part)) return (part as readonly Part[]).map(render).join('');
  if (part === false || part === null || part === undefined) return '';
  return escapeHtml(part);
}

/**
 * Template tag for pages: the literal parts are markup, every interpolated value is escaped
 * unless it is SafeHtml (a nested `html` result); arrays are joined; false, null and undefined
 * render nothing (so `${cond && html`…`}` works).
 * @example html`<td>${user.name}</td>` // a name `<img src=x onerror=…>` shows as text
 */
export function html(strings: TemplateStringsArray, ...values: readonly Part[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}
