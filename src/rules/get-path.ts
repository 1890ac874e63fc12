import type { Json } from '../events/event.js';

/** Deeper paths than any real payload has; the cap bounds the work a hostile rule path can cause. */
export const MAX_PATH_SEGMENTS = 32;
const INDEX = /^(?:0|[1-9]\d*)$/;

/**
 * Resolves a dotted path (`user.email`, `items.0.name`) over OWN properties only, so nothing on a
 * prototype (`constructor.name`, `__proto__`) is ever reachable from rules.yaml. Arrays take
 * numeric segments only. Returns undefined when any step is missing.
 */
export function getPath(obj: unknown, path: string | readonly string[]): Json | undefined {
  const segments = typeof path === 'string' ? path.split('.', MAX_PATH_SEGMENTS + 1) : path;
  if (segments.length > MAX_PATH_SEGMENTS) return undefined;
  let current: unknown = obj;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    // These would reach an object's prototype machinery; rule paths never resolve them.
    if (segment === '__proto__' || segment === 'constructor' || segment === 'prototype') return undefined;
    if (Array.isArray(current) && !INDEX.test(segment)) return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current as Json | undefined;
}

// Field paths come from rules.yaml only (conditions and templates, never event data), and a file
// names few distinct ones: each is split once, and its leaves and renders share the array (the
// rule index then finds a field's postings by the array itself).
const segmentCache = new Map<string, readonly string[]>();

/** The segments of a dotted field path from the rules, split once and shared. */
export function pathSegments(path: string): readonly string[] {
  let segments = segmentCache.get(path);
  if (segments === undefined) {
    segments = path.split('.');
    segmentCache.set(path, segments);
  }
  return segments;
}
