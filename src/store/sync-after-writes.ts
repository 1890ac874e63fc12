/**
 * Wraps `target` so each method named in `writes` calls `after` once it has returned (or its promise
 * has resolved): the store's way of starting the fsync that makes a write durable without waiting
 * for it (wal-sync.ts). Other methods, and every property, pass through unchanged.
 */
export function syncAfterWrites<T extends object>(target: T, writes: readonly (keyof T)[], after: () => void): T {
  const wrapped = { ...target };
  for (const name of writes) {
    const fn = target[name];
    if (typeof fn !== 'function') throw new Error(`syncAfterWrites: ${String(name)} is not a method`);
    const call = (...args: unknown[]): unknown => {
      const result: unknown = (fn as (...a: unknown[]) => unknown).apply(target, args);
      if (result instanceof Promise) return result.then((r: unknown) => (after(), r));
      after();
      return result;
    };
    wrapped[name] = call as T[keyof T];
  }
  return wrapped;
}
