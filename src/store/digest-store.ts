import type { Json } from '../events/event.js';
import type { PlannedJob } from './planner-store.js';

/** One digest window that holds items: a rule, its rendered key, and the window [start, end) (ms). */
export interface DigestWindowRef {
  readonly rule: string;
  readonly key: string;
  readonly windowStart: number;
  readonly windowEnd: number;
}

/** One buffered item as stored, oldest first within its window. */
export interface StoredDigestItem {
  readonly eventId: string;
  readonly item: Json;
}

/** What flushing one window did: how many items it held, and how many jobs were inserted. */
export interface FlushedWindow {
  readonly items: number;
  readonly jobs: number;
}

/**
 * The digest flusher's side of the store (README "Digests"). `flushWindow` is all or nothing: the
 * window's items are read, `render` turns them into the digest's jobs (hung on the newest item's
 * event; a job id already stored is kept, not doubled) and the items are deleted, in one
 * transaction. So a crash before it commits leaves the window to flush again, and one after has
 * sent it once.
 */
export interface DigestStore {
  /** When the oldest event still waiting for the planner was received; undefined when none waits. */
  oldestUnplannedAt(): Promise<number | undefined>;
  /** Windows ending at or before `end` that hold items, oldest first, at most `limit`. */
  closedWindows(end: number, limit: number): Promise<DigestWindowRef[]>;
  flushWindow(window: DigestWindowRef, render: (items: readonly StoredDigestItem[]) => readonly PlannedJob[], now: number): Promise<FlushedWindow>;
}
