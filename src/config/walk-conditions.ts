import type { PathSegment } from './config-error.js';
import { asArray, asRecord, own, type RawRecord } from './raw-data.js';

/**
 * Visits every condition mapping under `when`, nested `all` / `any` / `not` included. `path` is
 * one stack pushed and popped on the way down (three checks walk every rule's conditions): a visit
 * reads it during the call and copies what it keeps (`[...path, 'field']`).
 */
export function walkConditions(when: unknown, path: readonly PathSegment[], visit: (condition: RawRecord, path: readonly PathSegment[]) => void): void {
  const stack = [...path];
  const walk = (value: unknown): void => {
    const condition = asRecord(value);
    if (condition === undefined) return;
    visit(condition, stack);
    for (const group of ['all', 'any'] as const) {
      const list = asArray(own(condition, group));
      if (list === undefined) continue;
      stack.push(group, 0);
      for (let i = 0; i < list.length; i++) {
        stack[stack.length - 1] = i;
        walk(list[i]);
      }
      stack.length -= 2;
    }
    stack.push('not');
    walk(own(condition, 'not'));
    stack.pop();
  };
  walk(when);
}
