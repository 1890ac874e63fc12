import { visit, type Document } from 'yaml';
import type { ConfigIssue } from './config-error.js';
import type { YamlLocator } from './yaml-locator.js';

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/**
 * YAML syntax errors and warnings (an unresolved tag, say) as config issues. Either means the
 * structure is not what the author wrote, so the loader reports these and goes no further.
 */
export function yamlIssues(doc: Document, locator: YamlLocator): ConfigIssue[] {
  const parsed = [...doc.errors, ...doc.warnings].map((e): ConfigIssue => {
    const offset = e.pos[0];
    const path = locator.pathAt(offset);
    let message = lowerFirst(e.message);
    if (e.code === 'DUPLICATE_KEY') message = `duplicate key ${JSON.stringify(String(path.at(-1) ?? ''))}`;
    else if (e.code === 'MULTIPLE_DOCS') message = 'the file holds more than one YAML document (remove the extra "---")';
    return { path, offset, message };
  });
  return [...parsed, ...unresolvedAliases(doc).map((a) => ({ ...a, path: locator.pathAt(a.offset) }))];
}

/**
 * Aliases (`*name`) whose anchor (`&name`) is not defined before them, and aliases inside the node
 * their anchor names: that value contains itself, and every walk over it would recurse until the
 * stack overflowed.
 */
function unresolvedAliases(doc: Document): { offset: number; message: string }[] {
  const issues: { offset: number; message: string }[] = [];
  visit(doc, {
    Alias(_, alias, ancestors) {
      const offset = alias.range?.[0] ?? 0;
      const target = alias.resolve(doc);
      if (target === undefined) issues.push({ offset, message: `undefined alias "*${alias.source}" (define the anchor "&${alias.source}" before it)` });
      else if (ancestors.includes(target)) issues.push({ offset, message: `alias "*${alias.source}" is inside the node its anchor "&${alias.source}" names, so that value would contain itself; an alias must point outside its anchor` });
    },
  });
  return issues;
}
