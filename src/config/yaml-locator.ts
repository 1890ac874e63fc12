import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { PathSegment } from './config-error.js';

export interface Position {
  readonly line: number;
  readonly col: number;
}

export interface YamlLocator {
  /** 1-based line and column of the node at `path` (or its key), or of the deepest node that exists on the way. */
  position(path: readonly PathSegment[], at?: 'key' | 'value'): Position;
  positionOfOffset(offset: number): Position;
  /** Path of the deepest key or value that contains `offset`. */
  pathAt(offset: number): PathSegment[];
}

/** Maps paths and offsets in a parsed document to positions in its text. */
export function createYamlLocator(doc: Document, lineCounter: LineCounter): YamlLocator {
  const deref = (node: unknown): Node | null => {
    const n = isAlias(node) ? node.resolve(doc) : node;
    return n !== undefined && n !== null && typeof n === 'object' ? (n as Node) : null;
  };

  // Walks as far as the path exists; for an empty value (`text:` with nothing) the key is the better place.
  const find = (path: readonly PathSegment[]): { node: Node | null; key: Node | null; parent: Node | null; depth: number } => {
    let node = deref(doc.contents);
    let parent: Node | null = null;
    let key: Node | null = null;
    let depth = 0;
    for (const seg of path) {
      let next: unknown;
      let nextKey: Node | null = null;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (pair === undefined) break;
        next = pair.value;
        nextKey = deref(pair.key);
      } else if (isSeq(node) && typeof seg === 'number') {
        next = node.items[seg];
        if (next === undefined) break;
      } else break;
      const value = deref(next);
      parent = node;
      node = value;
      key = nextKey;
      depth += 1;
      if (value === null) break;
    }
    return { node, key, parent, depth };
  };

  const offsetOf = (n: Node | null): number => n?.range?.[0] ?? 0;

  const positionOfOffset = (offset: number): Position => lineCounter.linePos(offset);

  return {
    positionOfOffset,
    position(path, at = 'value') {
      const { node, key, parent, depth } = find(path);
      const complete = depth === path.length;
      const emptyValue = node === null || (isScalar(node) && node.value === null && node.range?.[0] === node.range?.[1]);
      if (complete && at === 'key' && key !== null) return positionOfOffset(offsetOf(key));
      if (emptyValue && key !== null) return positionOfOffset(offsetOf(key));
      return positionOfOffset(offsetOf(node ?? parent));
    },
    pathAt(offset) {
      const path: PathSegment[] = [];
      let node = deref(doc.contents);
      // Ranges of the nodes as written: an alias has its own, not its anchor's.
      const inside = (n: unknown) => {
        const range = (n as Node | null)?.range;
        return range !== undefined && range !== null && offset >= range[0] && offset < range[2];
      };
      for (;;) {
        if (isMap(node)) {
          // From the key to the end of the value: a tag or anchor sits between them.
          const pair = node.items.find((p) => {
            const start = (p.key as Node | null)?.range?.[0];
            const end = ((p.value ?? p.key) as Node | null)?.range?.[2];
            return start !== undefined && end !== undefined && offset >= start && offset < end;
          });
          if (pair === undefined) return path;
          path.push(isScalar(pair.key) ? String(pair.key.value) : '?');
          if (inside(pair.key) || isAlias(pair.value)) return path;
          node = deref(pair.value);
        } else if (isSeq(node)) {
          const i = node.items.findIndex((item) => inside(item));
          if (i < 0) return path;
          path.push(i);
          if (isAlias(node.items[i])) return path;
          node = deref(node.items[i]);
        } else return path;
      }
    },
  };
}
