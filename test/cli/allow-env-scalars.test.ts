import { describe, expect, it } from 'vitest';
import { allowEnvScalars } from '../../src/cli/allow-env-scalars.js';
import { renderRulesJsonSchema } from '../../src/cli/write-schema.js';

const ENV_REF = { type: 'string', pattern: '^\\$\\{([A-Za-z_][A-Za-z0-9_]*)\\}$', description: 'an environment variable reference, ${NAME}' };

describe('allowEnvScalars', () => {
  it.each<[string, unknown, unknown]>([
    ['a boolean keeps its annotations outside', { type: 'boolean', default: true, description: 'd' }, { default: true, description: 'd', anyOf: [{ type: 'boolean' }, ENV_REF] }],
    ['an integer keeps its bounds inside', { type: 'integer', minimum: 1 }, { anyOf: [{ type: 'integer', minimum: 1 }, ENV_REF] }],
    ['nested properties', { type: 'object', properties: { n: { type: 'number' } } }, { type: 'object', properties: { n: { anyOf: [{ type: 'number' }, ENV_REF] } } }],
    ['a union that takes any string is left alone', { anyOf: [{ type: 'string' }, { type: 'number' }] }, { anyOf: [{ type: 'string' }, { type: 'number' }] }],
    ['strings are untouched', { type: 'string', minLength: 1 }, { type: 'string', minLength: 1 }],
  ])('%s', (_name, input, output) => {
    expect(allowEnvScalars(input)).toEqual(output);
  });

  it('lets editors accept `enabled: ${RULE_ON}` in rules.schema.json', () => {
    const schema = JSON.parse(renderRulesJsonSchema()) as { properties: { rules: { items: { properties: { enabled: unknown } } } } };
    expect(schema.properties.rules.items.properties.enabled).toEqual({ default: true, anyOf: [{ type: 'boolean' }, ENV_REF] });
  });
});
