import type { PathSegment } from './config-error.js';
import { asArray, asRecord, own, type RawRecord } from './raw-data.js';

/**
 * Visits every condition mapping under `when`, nested `all` / `any` / `not` included. `path` is
 * one stack pushed and popped on the way down (three checks walk every rule's conditions): a visit
 * reads it during the call and copies what it keeps (`[...path, 'field']`).
 */
export function walkConditions(when: unknown, path: readonly PathSegment[], visit: (condition: RawRecord, path: readonly PathSegment[]) => void): void {
  const stack = [...path];
  const group = (condition: RawRecord, key: 'all' | 'any'): void => {
    const list = asArray(own(condition, key));
    if (list === undefined) return;
    stack.push(key, 0);
    for (let i = 0; i < list.length; i++) {
      stack[stack.length - 1] = i;
      walk(list[i]);
    }
    stack.length -= 2;
  };
  const walk = (value: unknown): void => {
    const condition = asRecord(value);
    if (condition === undefined) return;
    visit(condition, stack);
    group(condition, 'all');
    group(condition, 'any');
    if (!Object.hasOwn(condition, 'not')) return;
    stack.push('not');
    walk(condition['not']);
    stack.pop();
  };
  walk(when);
}
