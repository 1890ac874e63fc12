/**
 * What `{{ state.* }}` offers in templates: the memory of the event's user (key `user.id`), with the
 * current event counted. Small on purpose; an unknown name is a load error listing these.
 */
export const STATE_FIELDS = {
  visits_total: 'user.visited events of this user, ever (this one included)',
  visits_30d: 'user.visited events of this user in the last 30 days (this one included)',
  first_seen_at: "ISO time of the user's first event of any type",
  last_seen_at: "ISO time of the user's latest event (this one)",
  previous_seen_at: "ISO time of the user's event before this one (empty the first time)",
} as const;

export type StateField = keyof typeof STATE_FIELDS;
export const STATE_FIELD_NAMES = Object.keys(STATE_FIELDS) as StateField[];

/** The key whose memory `state.*` describes. */
export const STATE_TEMPLATE_KEY = 'user.id';
/** The window of `state.visits_30d`. */
export const STATE_RECENT_WINDOW_MS = 30 * 86_400_000;
