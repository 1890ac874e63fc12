import { FAILSAFE_SCHEMA, NOT_RESOLVED, defineMappingTag, defineScalarTag, load, type Schema as FastSchema } from 'js-yaml';
import { Schema, isScalar, type ScalarTag } from 'yaml';

/**
 * A fast first pass over rules.yaml. The `yaml` package stays the parser of record (its document
 * keeps every node's position for `file:line:col` errors), but it needs ~20 s for 10,000 rules on
 * this machine against ~1 s for js-yaml. So a file is read with js-yaml first, and `yaml` runs only
 * when something must be located (an error or a warning) or when js-yaml cannot be trusted to agree:
 * - plain scalars are resolved by `yaml`'s own YAML 1.2 core tags (below), not by js-yaml's, so
 *   `True`, `0o17`, `.inf`, `~` and `2026-01-01` mean exactly what they mean in the slow path;
 * - anchors and aliases (`maxAliases: 0`), directives (`%YAML 1.1`) and anything js-yaml rejects
 *   (explicit tags it does not know, duplicate keys, syntax errors) go to the slow path, which
 *   reports them with positions.
 * test/config/fast-yaml.test.ts checks both paths give the same value on every YAML file in the
 * repository and on generated documents.
 */
const coreScalarTags = new Schema({ schema: 'core' }).tags.filter((t): t is ScalarTag => 'test' in t && t.test instanceof RegExp);

const DIGITS = [...'0123456789'];

/**
 * The first characters a plain scalar of each core tag can have (by its `test` regexes above; ''
 * is the empty scalar): js-yaml tries a tag only on scalars starting with one, so the plain
 * strings that fill a rules file (names, field paths, emails) skip every regex. A tag missing here
 * is tried on every scalar. test/config/fast-yaml.test.ts checks these against `yaml`'s parse.
 */
const FIRST_CHARS: Readonly<Record<string, readonly string[]>> = {
  'tag:yaml.org,2002:null': ['', '~', 'n', 'N'],
  'tag:yaml.org,2002:bool': ['t', 'T', 'f', 'F'],
  'tag:yaml.org,2002:int': ['+', '-', ...DIGITS],
  'tag:yaml.org,2002:float': ['+', '-', '.', ...DIGITS],
};

/** One js-yaml tag per tag name (js-yaml keeps one resolver per name; `yaml` has three for !!int). */
function fromYamlTags(): FastSchema {
  const byName = new Map<string, ScalarTag[]>();
  for (const tag of coreScalarTags) byName.set(tag.tag, [...(byName.get(tag.tag) ?? []), tag]);
  const tags = [...byName].map(([name, variants]) =>
    defineScalarTag<unknown>(name, {
      implicit: true,
      implicitFirstChars: FIRST_CHARS[name] ?? null,
      identify: () => false,
      resolve(source) {
        const tag = variants.find((t) => t.test?.test(source) === true);
        if (tag === undefined) return NOT_RESOLVED;
        const value: unknown = tag.resolve(source, () => undefined, {} as never);
        return isScalar(value) ? value.value : value;
      },
    }),
  );
  return FAILSAFE_SCHEMA.withTags(...tags, mapWithYamlKeys);
}

/** `yaml`'s toJS key for a scalar key: a null key is "", anything else its String(). */
const keyOf = (key: unknown): string => (key === null ? '' : String(key));

/** Plain-object mappings keyed as `yaml` keys them; a collection as a key goes to the slow path. */
const mapWithYamlKeys = defineMappingTag<Record<string, unknown>>('tag:yaml.org,2002:map', {
  create: () => ({}),
  identify: () => false,
  addPair(map, key, value) {
    if (key !== null && typeof key === 'object') return 'a collection as a key';
    const k = keyOf(key);
    // An own `__proto__` key, as `yaml` makes it, not a prototype change.
    if (k === '__proto__') Object.defineProperty(map, k, { value, enumerable: true, configurable: true, writable: true });
    else map[k] = value;
    return '';
  },
  has: (map, key) => (key === null || typeof key !== 'object') && Object.hasOwn(map, keyOf(key)),
  keys: (map) => Object.keys(map),
  get: (map, key) => map[keyOf(key)],
});

const schema = fromYamlTags();

/** The file's value when the fast pass can be trusted to agree with `yaml`, else undefined. */
export function fastYaml(text: string): { value: unknown } | undefined {
  if (/^%/m.test(text)) return undefined;
  try {
    return { value: load(text, { schema, maxAliases: 0, json: false }) };
  } catch {
    return undefined;
  }
}
