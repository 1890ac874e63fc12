/**
 * HubSpot has no idempotency key for notes, so the bridge remembers, per job (its plan key, which
 * its retries and replays share), the id of the note that job created: the dispatcher records it
 * with the outcome and hands it to every later attempt, which then skips the note.
 */
export const noteMemoKey = (idempotencyKey: string): string => `note:${idempotencyKey}`;

/** How long a job's note id is remembered: longer than the default history (30 days) a replay can reach. */
export const NOTE_MEMO_TTL_MS = 90 * 24 * 60 * 60 * 1000;
