import type { Json, JsonObject } from '../../events/event.js';

/** Renders every string in a Block Kit tree (values only, never keys), keeping its shape. */
export function renderBlocks(blocks: readonly Record<string, unknown>[], render: (template: string) => string): JsonObject[] {
  return blocks.map((block) => renderValue(block, render) as JsonObject);
}

function renderValue(value: unknown, render: (template: string) => string): Json {
  if (typeof value === 'string') return render(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => renderValue(v, render));
  if (typeof value === 'object' && value !== undefined) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, render)]));
  }
  // undefined (absent optional value in YAML-derived data) has no JSON form.
  return null;
}
