import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderRulesJsonSchema } from '../../src/cli/write-schema.js';

describe('rules.schema.json', () => {
  it('is up to date with src/config/rules-schema.ts', async () => {
    const committed = await readFile(new URL('../../rules.schema.json', import.meta.url), 'utf8').catch(() => '');
    expect(committed === renderRulesJsonSchema(), 'rules.schema.json is out of date: run `npm run schema` and commit the result').toBe(true);
  });

  it('names the recursive condition once and refers to it', () => {
    const schema = JSON.parse(renderRulesJsonSchema()) as { $schema: string; title: string; $defs: Record<string, unknown> };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toBe('returning-bridge rules.yaml');
    expect(Object.keys(schema.$defs)).toEqual(['Condition']);
    expect(renderRulesJsonSchema()).toContain('"$ref": "#/$defs/Condition"');
    expect(renderRulesJsonSchema()).toContain('"description": "condition over event fields; omitted means always"');
  });

  it('renders the same text every time', () => {
    expect(renderRulesJsonSchema()).toBe(renderRulesJsonSchema());
  });
});
