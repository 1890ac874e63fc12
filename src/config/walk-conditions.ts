import type { PathSegment } from './config-error.js';
import { asArray, asRecord, own, type RawRecord } from './raw-data.js';

/** Visits every condition mapping under `when`, nested `all` / `any` / `not` included. */
export function walkConditions(when: unknown, path: readonly PathSegment[], visit: (condition: RawRecord, path: PathSegment[]) => void): void {
  const condition = asRecord(when);
  if (condition === undefined) return;
  visit(condition, [...path]);
  for (const group of ['all', 'any'] as const) {
    asArray(own(condition, group))?.forEach((c, i) => walkConditions(c, [...path, group, i], visit));
  }
  walkConditions(own(condition, 'not'), [...path, 'not'], visit);
}
