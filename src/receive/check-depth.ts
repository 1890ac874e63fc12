/**
 * True when a parsed JSON value nests containers deeper than `max` (`{}` is depth 1).
 * Iterative on purpose: a recursive walk overflows the stack around 100,000 levels, and
 * JSON.stringify throws from 10,000 (reliability.md §6), while JSON.parse accepts far more.
 */
export function exceedsDepth(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [v, depth] = item;
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
