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

/** Aliases (`*name`) whose anchor (`&name`) is not defined before them. */
function unresolvedAliases(doc: Document): { offset: number; message: string }[] {
  const issues: { offset: number; message: string }[] = [];
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) === undefined) issues.push({ offset: alias.range?.[0] ?? 0, message: `undefined alias "*${alias.source}" (define the anchor "&${alias.source}" before it)` });
    },
  });
  return issues;
}
