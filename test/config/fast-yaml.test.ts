import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { fastYaml } from '../../src/config/fast-yaml.js';

const root = join(import.meta.dirname, '../..');

/** What the slow path (the `yaml` package, as read-yaml.ts calls it) makes of the text. */
const slow = (text: string): unknown => parseDocument(text, { uniqueKeys: true, prettyErrors: false }).toJS({ maxAliasCount: 100 });

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name.startsWith('.') || e.name === 'dist') return [];
    const path = join(dir, e.name);
    return e.isDirectory() ? yamlFiles(path) : /\.ya?ml$/.test(e.name) ? [path] : [];
  });
}

const readmeBlocks = [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');

describe('the fast pass reads what `yaml` reads', () => {
  const files = yamlFiles(root);
  it('finds the repository YAML files, and takes the fast pass on the bundled rules.yaml', () => {
    expect(files.length).toBeGreaterThan(5);
    // Without this the comparisons below would also pass if the fast pass never ran.
    expect(fastYaml(readFileSync(join(root, 'rules.yaml'), 'utf8'))?.value).toEqual(slow(readFileSync(join(root, 'rules.yaml'), 'utf8')));
    expect(fastYaml('k: True\n')?.value).toEqual({ k: true });
  });
  it.each(files.map((f) => [relative(root, f), readFileSync(f, 'utf8')]))('%s', (_, text) => {
    const fast = fastYaml(text);
    if (fast !== undefined) expect(fast.value).toEqual(slow(text));
  });
  it.each(readmeBlocks.map((b, i) => [i, b]))('README yaml block %i', (_, text) => {
    const fast = fastYaml(text);
    if (fast !== undefined) expect(fast.value).toEqual(slow(text));
  });

  // Plain scalars whose meaning differs between YAML 1.1, 1.2 core and js-yaml's own schemas.
  it.each([
    'True', 'TRUE', 'true', 'False', 'yes', 'no', 'on', 'off', 'y', 'n',
    '~', 'null', 'Null', 'NULL', '', 'nil',
    '0o17', '017', '0x1F', '0b101', '1_000', '+7', '-0', '007', '12:30', '1:2:3',
    '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '1e3', '1E-3', '3.', '.5', '-2.50', '6.02e+23',
    '2026-01-01', '2026-01-01T10:00:00Z', '0.1.2', '1,000', '"7"', "'true'", '!!str 7', '!!int "7"', '!!float 3',
    '- a', '[]', '{}', '[1, true, ~]', '{ a: 1, b: [x, 0x10] }', '>-\n  folded\n  text', '|\n  lit\n  eral\n',
  ])('k: %s', (scalar) => {
    const text = `k: ${scalar}\n`;
    const fast = fastYaml(text);
    if (fast !== undefined) expect(fast.value).toEqual(slow(text));
  });

  it.each([
    ['null key', '~: a\n'],
    ['number key', '1: a\n0x10: b\n'],
    ['bool key', 'true: a\n'],
    ['flow key', '[a, b]: c\n'],
    ['__proto__ key', '__proto__: { polluted: 1 }\n'],
    ['empty document', ''],
    ['comment only', '# nothing\n'],
  ])('%s', (_, text) => {
    const fast = fastYaml(text);
    if (fast !== undefined) expect(fast.value).toEqual(slow(text));
  });
});

// Characters that spell YAML 1.2 core nulls, booleans, ints and floats, and some that do not.
const SCALAR_CHARS = [...'0123456789+-.eExXoObBaAcCdDfF_:~ nNuUlLtTrRsSiIyYwq@/é'];
const NUMBER_CHARS = [...'0123456789.+-eEoxaF'];
const scalarArb = fc.oneof(
  fc.array(fc.constantFrom(...SCALAR_CHARS), { maxLength: 7 }).map((cs) => cs.join('')),
  fc.array(fc.constantFrom(...NUMBER_CHARS), { maxLength: 5 }).map((cs) => cs.join('')),
  // The spelled-out ones, and near misses of them.
  fc.tuple(fc.constantFrom('true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL', '~', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '.NAN', '0o17', '0x1F'), fc.constantFrom('', 'x', '0', ' a')).map(([w, tail]) => w + tail),
  fc.string({ maxLength: 6 }),
);

describe('plain scalars resolve as in `yaml` whatever their first character (fast-yaml.ts FIRST_CHARS)', () => {
  it.each([
    ['a value', (s: string) => `k: ${s}\n`],
    ['a sequence item', (s: string) => `- ${s}\n`],
    ['a key', (s: string) => `${s}: v\n`],
    ['a flow sequence item', (s: string) => `[${s}, x]\n`],
  ])('as %s', (_, doc) => {
    let compared = 0;
    fc.assert(
      fc.property(scalarArb, (scalar) => {
        const text = doc(scalar);
        const fast = fastYaml(text);
        if (fast === undefined || parseDocument(text, { uniqueKeys: true }).errors.length > 0) return;
        compared += 1;
        expect(fast.value).toEqual(slow(text));
      }),
      { numRuns: 1000 },
    );
    // Most generated scalars are valid plain YAML: the property must not hold only vacuously.
    expect(compared).toBeGreaterThan(300);
  });
});

describe('the fast pass steps aside for what only `yaml` reports well', () => {
  it.each([
    ['an anchor and alias', 'a: &x { b: 1 }\nc: *x\n'],
    ['a YAML 1.1 directive', '%YAML 1.1\n---\na: yes\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['an unknown tag', 'a: !!binary aGVsbG8=\n'],
    ['a syntax error', 'a: [1, 2\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['a tab indentation', 'a:\n\tb: 1\n'],
  ])('%s', (_, text) => {
    expect(fastYaml(text)).toBeUndefined();
  });
});
