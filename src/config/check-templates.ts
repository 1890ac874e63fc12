import type { AnyActionKind } from '../actions/action.js';
import type { KnownEventType } from '../events/event-types.js';
import { templateTags, type TemplateTag } from '../rules/render-template.js';
import { typesLacking } from './check-conditions.js';
import { joinWords, type ConfigIssue, type PathSegment } from './config-error.js';
import { errorMessage } from '../error-message.js';
import { STATE_FIELD_NAMES } from '../rules/memory-fields.js';
import { DIGEST_FIELD_NAMES } from '../rules/digest-fields.js';

// A kind escapes event text when its escape changes markup characters; raw tags would skip that.
const MARKUP = '<&>*_~`|@#[]()';
const escapes = (kind: AnyActionKind) => kind.escape(MARKUP) !== MARKUP;

// Inside `{{#user}}...{{/user}}` a name may be relative to the section (`{{name}}` is user.name).
const sectionPrefixes = (sections: readonly string[]): string[] =>
  sections.reduce<string[]>((prefixes, name) => [...prefixes, ...prefixes.map((p) => `${p}.${name}`), name], []);

/** `digest` and `digest.*` names: known only in a rule that has a digest (README "Digests"). */
function digestIssue(name: string, digest: boolean): string | undefined {
  if (!digest) return `template references ${JSON.stringify(name)} but the rule has no digest`;
  const field = name.slice('digest.'.length);
  if (name === 'digest' || (DIGEST_FIELD_NAMES as readonly string[]).includes(field)) return undefined;
  return `template references unknown ${JSON.stringify(name)}; use one of ${DIGEST_FIELD_NAMES.map((f) => `digest.${f}`).join(', ')}`;
}

/** What is wrong with one template, as messages (the caller knows where it is). */
function checkTemplate(text: string, kind: AnyActionKind, types: readonly KnownEventType[], digest: boolean): string[] {
  let tags: TemplateTag[];
  try {
    tags = templateTags(text);
  } catch (e) {
    const message = errorMessage(e);
    return [`invalid template: ${message.charAt(0).toLowerCase()}${message.slice(1)}`];
  }
  const issues: string[] = [];
  const reported = new Set<string>();
  for (const { type, name, start, end, sections } of tags) {
    if (type === '&' && escapes(kind)) {
      issues.push(`unescaped template tag "${text.slice(start, end)}" is not allowed for ${kind.kind} (event text must be escaped)`);
    }
    if (type === '>') issues.push(`template partials are not supported ("${text.slice(start, end)}")`);
    if ((type === 'name' || type === '&') && (name === 'state' || name.startsWith('state.')) && !reported.has(name)) {
      // The memory (README "Memory"): a fixed vocabulary, checked here rather than against event fields.
      reported.add(name);
      if (!(STATE_FIELD_NAMES as readonly string[]).includes(name.slice('state.'.length))) {
        issues.push(`template references unknown ${JSON.stringify(name)}; use one of ${STATE_FIELD_NAMES.map((f) => `state.${f}`).join(', ')}`);
      }
    }
    const valueTag = type === 'name' || type === '&' || type === '#' || type === '^';
    // Inside {{#digest.items}} other names are the item's: an event's fields, checked below.
    if (valueTag && (name === 'digest' || name.startsWith('digest.')) && !reported.has(name)) {
      reported.add(name);
      const issue = digestIssue(name, digest);
      if (issue !== undefined) issues.push(issue);
      continue;
    }
    if (valueTag && name !== '.' && !reported.has(name)) {
      // Most names are fields of every type: the section-relative candidates are made only when one lacks it.
      const direct = typesLacking(name, types);
      const candidates = direct.length === 0 ? [] : [name, ...sectionPrefixes(sections).map((s) => `${s}.${name}`)];
      const lacking = direct.filter((t) => candidates.every((c) => typesLacking(c, [t]).length > 0));
      if (lacking.length > 0) {
        reported.add(name);
        issues.push(`template references unknown field ${JSON.stringify(name)} for ${joinWords(lacking)}`);
      }
    }
  }
  return issues;
}

/**
 * Templates of one action: they parse, name fields the rule's events have, and keep escaping on.
 * `digest.*` names need `digest` (whether the rule has one).
 */
export function checkTemplates(params: unknown, path: readonly PathSegment[], kind: AnyActionKind, types: readonly KnownEventType[], digest = false): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  // Every string in the params except `destination` (blocks, embeds, properties included), walked
  // with one path stack: it is copied only for a template with an issue.
  const stack = [...path];
  const walk = (value: unknown, top: boolean): void => {
    if (typeof value === 'string') {
      for (const message of checkTemplate(value, kind, types, digest)) issues.push({ path: [...stack], message });
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => {
        stack.push(i);
        walk(v, false);
        stack.pop();
      });
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) {
        if (top && k === 'destination') continue;
        stack.push(k);
        walk(v, false);
        stack.pop();
      }
    }
  };
  walk(params, true);
  return issues;
}
