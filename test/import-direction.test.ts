import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Which src/ folders each folder may import (README "Layout"). Arrows run one way: events at the
 * bottom; rules (the pure engine) and actions (destination kinds) beside each other above it;
 * config assembles rules.yaml's schema from both; receive, store and dispatch above those; bridge
 * and cli compose everything. Modules directly in src/ (env.ts, env-ref.ts, log.ts,
 * error-message.ts) are shared leaves: any folder may import them, they import no folder.
 */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  events: [],
  actions: ['events'],
  rules: ['events', 'actions'],
  config: ['events', 'rules', 'actions'],
  store: ['events'],
  receive: ['events', 'config'],
  dispatch: ['actions', 'store'],
  planner: ['events', 'rules', 'store'],
  observe: ['dispatch'],
  console: ['events', 'store', 'receive', 'planner'],
  bridge: ['events', 'actions', 'rules', 'config', 'store', 'receive', 'planner', 'dispatch', 'observe', 'console'],
  cli: ['events', 'actions', 'rules', 'config', 'store', 'receive', 'planner', 'dispatch', 'observe', 'console', 'bridge'],
};
const SHARED = '(src)';

const SRC = path.resolve(import.meta.dirname, '../src');
// Static imports and re-exports (`from '...'`) and dynamic `import('...')`.
const SPECIFIER = /\bfrom\s+['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The folder of src/ a path is in, or SHARED for a module directly in src/. */
function folderOf(srcRelative: string): string {
  const parts = srcRelative.split('/');
  return parts.length === 1 ? SHARED : (parts[0] as string);
}

/** Every import in `files` (paths relative to src/) that goes against MAY_IMPORT. */
function violations(files: readonly { path: string; text: string }[]): string[] {
  const out: string[] = [];
  for (const file of files) {
    const from = folderOf(file.path);
    for (const m of file.text.matchAll(SPECIFIER)) {
      const spec = (m[1] ?? m[2]) as string;
      if (!spec.startsWith('.')) continue;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file.path), spec));
      if (target.startsWith('..')) {
        out.push(`src/${file.path} imports ${spec}, outside src/`);
        continue;
      }
      const to = folderOf(target);
      if (to === from || to === SHARED) continue;
      const allowed = from === SHARED ? [] : (MAY_IMPORT[from] ?? []);
      if (!allowed.includes(to)) {
        out.push(`src/${file.path} imports ${spec}: ${from === SHARED ? 'modules in src/ import no folder' : `${from}/ may import ${allowed.join(', ') || 'no other folder'}`}`);
      }
    }
  }
  return out;
}

function sourceFiles(dir = SRC): { path: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => {
      const full = path.join(e.parentPath, e.name);
      return { path: path.relative(SRC, full).split(path.sep).join('/'), text: readFileSync(full, 'utf8') };
    });
}

describe('import direction', () => {
  it('every import in src/ follows the layering', () => {
    expect(violations(sourceFiles())).toEqual([]);
  });

  it('every folder of src/ has a place in the table', () => {
    const folders = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.filter((f) => !Object.hasOwn(MAY_IMPORT, f))).toEqual([]);
  });

  it('the table has no cycle', () => {
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
      (MAY_IMPORT[from] ?? []).some((next) => next === to || (!seen.has(next) && (seen.add(next), reaches(next, to, seen))));
    expect(Object.keys(MAY_IMPORT).filter((f) => reaches(f, f))).toEqual([]);
  });

  it.each([
    ['rules/compile-rules.ts', "import type { RulesFile } from '../config/rules-schema.js';", ['src/rules/compile-rules.ts imports ../config/rules-schema.js: rules/ may import events, actions']],
    ['actions/slack/slack-config.ts', "import { credential } from '../../config/env-ref.js';", ['src/actions/slack/slack-config.ts imports ../../config/env-ref.js: actions/ may import events']],
    ['events/event.ts', "const m = await import('../store/store.js');", ['src/events/event.ts imports ../store/store.js: events/ may import no other folder']],
    ['log.ts', "export { x } from './config/load-rules.js';", ['src/log.ts imports ./config/load-rules.js: modules in src/ import no folder']],
    ['config/load-rules.ts', "import { credential } from '../env-ref.js';\nimport { z } from 'zod';\nimport { kindOf } from '../actions/registry.js';", []],
  ])('%s: %s', (file, text, expected) => {
    expect(violations([{ path: file, text }])).toEqual(expected);
  });
});
