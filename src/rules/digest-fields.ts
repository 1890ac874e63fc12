/**
 * What `{{ digest.* }}` offers in the templates of a rule with a digest (README "Digests"). Any
 * other `digest.` name is a load error listing these, and so is any in a rule without a digest.
 */
export const DIGEST_FIELDS = {
  count: 'items in the digest',
  items: 'the first max_items items, oldest first, for {{#digest.items}}…{{/digest.items}}; each has the fields of its event (user.name, …)',
  more: 'items past max_items (0 when all are listed), for "and N more"',
  key: "the digest's rendered key",
  window_start: 'ISO time the window began',
  window_end: 'ISO time the window ended',
} as const;

export type DigestField = keyof typeof DIGEST_FIELDS;
export const DIGEST_FIELD_NAMES = Object.keys(DIGEST_FIELDS) as DigestField[];
