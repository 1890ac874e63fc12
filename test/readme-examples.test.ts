import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRulesText } from '../src/config/load-rules.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
// The README's complete rules files: its yaml blocks that start with `version: 1`.
const files = [...readme.matchAll(/^```yaml\n(version: 1\b[\s\S]*?)^```$/gm)].map((m) => m[1] as string);
const env = new Proxy({}, { get: (_t, name) => (typeof name === 'string' && name.endsWith('_URL') ? 'https://hooks.example.com/services/T0/B0/x' : 'xoxb-test'), has: () => true });

describe('README rules.yaml examples', () => {
  it('has some', () => {
    expect(files.length).toBeGreaterThan(1);
  });

  it.each(files.map((text) => [/^ {2}- name: (\S+)/m.exec(text)?.[1] ?? '(no rule)', text]))('the file with rule %s passes bridge check', (_name, text) => {
    const result = loadRulesText(text, 'README.md', env as Record<string, string>);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });
});
