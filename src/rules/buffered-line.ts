import type { BufferedItem } from './plan-types.js';

/** What the decision and `bridge test` say of a match buffered into a digest (a shadow rule's: would have). */
export function bufferedLine(d: Pick<BufferedItem, 'key' | 'windowEnd'>, shadow = false): string {
  return `${shadow ? 'would have buffered' : 'buffered'} into digest ${JSON.stringify(d.key)} until ${new Date(d.windowEnd).toISOString()}`;
}
