import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EnvSchema } from '../src/env.js';

const read = (file: string): string => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
const NAME = /(?:`|\$\{)([A-Z][A-Z0-9]*_[A-Z0-9_]+|PORT|HOST)(?:`|\}|=)/g;

describe('.env.example', () => {
  const example = read('.env.example');
  // Set (`NAME=`) or commented out (`# NAME=`), one per line.
  const listed = new Set([...example.matchAll(/^(?:# )?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));

  it('lists every variable the README documents and every process setting', () => {
    const documented = new Set([...read('README.md').matchAll(NAME)].map((m) => m[1] as string));
    documented.delete('ENV_VAR'); // the README's placeholder name
    const wanted = [...documented, ...Object.keys(EnvSchema.shape)];
    expect(wanted.filter((name) => !listed.has(name))).toEqual([]);
  });

  it('sets no value: what is not commented out is empty, so it counts as unset', () => {
    const values = parseEnv(example);
    expect(Object.keys(values).length).toBeGreaterThan(0);
    expect(Object.entries(values).filter(([, v]) => v !== '')).toEqual([]);
  });
});
