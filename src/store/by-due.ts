/** Sorts claimed rows in place, oldest due first, then in insertion order (`UPDATE … RETURNING` promises no order). */
export function byDue<T extends { readonly next_at: number; readonly seq: number }>(rows: T[]): T[] {
  return rows.sort((a, b) => a.next_at - b.next_at || a.seq - b.seq);
}
