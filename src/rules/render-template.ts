import Mustache from 'mustache';
import type { JsonObject } from '../events/event.js';
import { getPath, pathSegments } from './get-path.js';
import { simpleTokens } from './simple-tokens.js';

type Token = [string, string, number, number, Token[]?, ...unknown[]];

/**
 * Mustache's own lookup walks prototypes (`{{constructor.name}}` renders "Object"); this one
 * resolves names with getPath, own properties only, innermost section first.
 */
class OwnContext extends Mustache.Context {
  override push(view: unknown): Mustache.Context {
    return new OwnContext(view, this);
  }

  override lookup(name: string): unknown {
    if (name === '.') return this.view;
    const value = getPath(this.view, pathSegments(name));
    return value !== undefined || this.parent === undefined ? value : this.parent.lookup(name);
  }
}

/** Objects and arrays render as JSON, scalars as text; null and missing as ''. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Renders values through the destination kind's escape, never Mustache's HTML escaping. */
class EventWriter extends Mustache.Writer {
  // Value tokens are [type, name, start, end]; renderTemplate always passes an escape.
  override escapedValue(token: string[], context: Mustache.Context, config?: Mustache.RenderOptions): string {
    const value: unknown = context.lookup(token[1] as string);
    const { escape } = config as { escape: (value: string) => string };
    return value === undefined || value === null ? '' : escape(text(value));
  }

  override unescapedValue(token: string[], context: Mustache.Context): string {
    const value: unknown = context.lookup(token[1] as string);
    return value === undefined || value === null ? '' : text(value);
  }
}

const writer = new EventWriter();
// tokenCache below is the one cache: Mustache's own (keyed by template and tags joined into a new
// string on every parse) cost more at 10,000 rules than it saved, and kept a second copy.
(writer as unknown as { templateCache: undefined }).templateCache = undefined;
// Templates come from rules.yaml (never from event data), so this stays as small as the rules; keyed
// by the template itself, it skips the key Mustache builds on every render.
const tokenCache = new Map<string, Token[]>();
// Partials are not supported: `{{> name}}` renders nothing (a plain {} would resolve `constructor`).
const noPartials = (): undefined => undefined;

function tokens(template: string): Token[] {
  let parsed = tokenCache.get(template);
  if (parsed === undefined) {
    // Most templates are text and `{{ name }}` tags: read those without Mustache's scanner.
    parsed = simpleTokens(template) ?? (writer.parse(template) as Token[]);
    tokenCache.set(template, parsed);
  }
  return parsed;
}

/** Parses (and caches) a template; throws Mustache's message (e.g. `Unclosed tag at 9`) when malformed. */
export function parseTemplate(template: string): void {
  tokens(template);
}

/** Renders a template against an event view, escaping every `{{ value }}` with `escape`. */
export function renderTemplate(template: string, view: JsonObject, escape: (value: string) => string): string {
  return writer.renderTokens(tokens(template) as string[][], new OwnContext(view), noPartials, template, { escape });
}

/**
 * One tag of a template: Mustache's token type (`name`, `&` unescaped, `#` section, `^` inverted,
 * `>` partial, `!` comment, `=` delimiters), its name, where its source is in the template, and the
 * names of the `#` sections around it, outermost first.
 */
export interface TemplateTag {
  readonly type: string;
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly sections: readonly string[];
}

/** Every tag of a template in order, nested ones included (text is skipped). Throws on a malformed template. */
export function templateTags(template: string): TemplateTag[] {
  const out: TemplateTag[] = [];
  const walk = (list: readonly Token[], sections: readonly string[]): void => {
    for (const [type, name, start, end, children] of list) {
      if (type !== 'text') out.push({ type, name, start, end, sections });
      if (Array.isArray(children)) walk(children, type === '#' ? [...sections, name] : sections);
    }
  };
  walk(tokens(template), []);
  return out;
}
