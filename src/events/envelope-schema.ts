import * as z from 'zod';

/**
 * Payload schemas. Only "User Visits Server" is documented in full (shared/seeds); the other four
 * events very likely share its envelope and add their own fields, which are kept as sent.
 * Objects are loose: extra fields Returning.AI adds later pass through.
 */

const id = z.string().min(1);
const text = z.string();
// Avatars may be missing for users without one; the docs only show a URL.
const avatar = z.union([z.url(), z.literal(''), z.null()]);
const isoDate = z.iso.datetime({ offset: true });

/** Fields every known outgoing event carries. */
export const EnvelopeSchema = z.looseObject({
  owner: z.looseObject({ id, name: text.optional(), avatar: avatar.optional(), email: z.string().optional() }),
  user: z.looseObject({ id, name: text.optional(), email: z.string().optional() }),
  date: isoDate,
  event: z.looseObject({ name: z.string().min(1), description: text.optional() }),
  server: z.looseObject({ id, name: text.optional() }),
});

/** User Visits Server, validated field by field as documented. */
export const UserVisitedSchema = z.looseObject({
  owner: z.looseObject({ id, name: text, avatar: avatar.optional(), email: z.email() }),
  user: z.looseObject({
    id,
    firstName: text.optional(),
    lastName: text.optional(),
    name: text,
    avatar: avatar.optional(),
    email: z.email(),
    nicename: text.optional(),
    displayname: text.optional(),
  }),
  date: isoDate,
  event: z.looseObject({ name: z.string().min(1), description: text.optional() }),
  server: z.looseObject({ id, name: text }),
});

/** An event this bridge does not know: only `event.name` is required, everything else is kept. */
export const UnknownEventSchema = z.looseObject({
  event: z.looseObject({ name: z.string().min(1) }),
});
