import { LineCounter, parseDocument } from 'yaml';
import type { ConfigIssue } from './config-error.js';
import { fastYaml } from './fast-yaml.js';
import { yamlIssues } from './yaml-issues.js';
import { createYamlLocator, type YamlLocator } from './yaml-locator.js';
import { errorMessage } from '../error-message.js';

export type ReadYaml = { ok: true; data: unknown; locator: () => YamlLocator } | { ok: false; issues: ConfigIssue[]; locator: () => YamlLocator };

/** The `yaml` document of the text, with the locator that turns paths into `line:col`. */
function located(text: string) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  return { doc, locator: createYamlLocator(doc, lineCounter) };
}

/**
 * Reads one YAML document. The fast pass (fast-yaml.ts) gives the value when it can be trusted;
 * the `yaml` document, which knows positions, is then built only if an issue must be located.
 * Otherwise `yaml` reads it and reports syntax errors, warnings and undefined aliases.
 */
export function readYaml(text: string): ReadYaml {
  const fast = fastYaml(text);
  if (fast !== undefined) {
    let locator: YamlLocator | undefined;
    return { ok: true, data: fast.value, locator: () => (locator ??= located(text).locator) };
  }
  const { doc, locator } = located(text);
  // With a syntax error the structure is unknown: anything said about it could be wrong.
  const syntax = yamlIssues(doc, locator);
  if (syntax.length > 0) return { ok: false, issues: syntax, locator: () => locator };
  try {
    return { ok: true, data: doc.toJS({ maxAliasCount: 100 }), locator: () => locator };
  } catch (e) {
    return { ok: false, issues: [{ path: [], message: `cannot read the YAML: ${errorMessage(e)}` }], locator: () => locator };
  }
}
