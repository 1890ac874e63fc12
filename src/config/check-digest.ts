import type * as z from 'zod';
import { parseDuration } from '../duration.js';

/** Windows are flushed once a second: a shorter one could not be kept. */
const MIN_EVERY_MS = 1000;

/** A digest has exactly one of every and at; at comes with tz, and tz only with at. */
export function checkDigest(d: { every?: unknown; at?: unknown; tz?: unknown }, ctx: z.RefinementCtx): void {
  if (d.every !== undefined && d.at !== undefined) {
    ctx.addIssue({ code: 'custom', message: 'a digest has either every (a window length) or at (a daily time), not both' });
  } else if (d.every === undefined && d.at === undefined) {
    ctx.addIssue({ code: 'custom', message: 'a digest needs every (e.g. every: 1h) or at with tz (e.g. at: "09:00", tz: Europe/Berlin)' });
  } else if (d.tz !== undefined && d.at === undefined) {
    ctx.addIssue({ code: 'custom', path: ['tz'], message: 'tz goes with at; every windows are aligned to the Unix epoch, in no zone' });
  } else if (d.at !== undefined && d.tz === undefined) {
    ctx.addIssue({ code: 'custom', message: 'at needs tz, the zone whose clock reads it (e.g. tz: Europe/Berlin)' });
  }
  const every = typeof d.every === 'string' ? parseDuration(d.every) : undefined;
  if (every !== undefined && every < MIN_EVERY_MS) ctx.addIssue({ code: 'custom', path: ['every'], message: 'a digest window is at least 1s' });
}
