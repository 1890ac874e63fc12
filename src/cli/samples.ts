import type { JsonObject } from '../events/event.js';

/**
 * Realistic sample payloads for `bridge send-sample`. The visit is the docs' example
 * (shared/seeds); the other events' extra fields are not documented, so theirs are a guess at the
 * same envelope plus a message, a channel or a store item.
 */
export const SAMPLE_KINDS = ['visit', 'join', 'message', 'purchase'] as const;
export type SampleKind = (typeof SAMPLE_KINDS)[number];

const envelope = (date: string, email: string) => ({
  owner: { id: '1342', name: 'John Doe', avatar: 'https://example.amazonaws.com/01f0cefadf6cbf4.gif', email: 'johndoe@example.com' },
  user: {
    id: '1234', firstName: 'Jane', lastName: 'Doe', name: 'Jane Doe',
    avatar: 'https://www.example.com/img/user-avatar.png', email, nicename: 'janedoe', displayname: 'Jane Doe',
  },
  date,
  server: { id: '6502564c5c09c0a', name: "John's community" },
});

export function samplePayload(kind: SampleKind, opts: { date: string; email?: string }): JsonObject {
  const base = envelope(opts.date, opts.email ?? 'janedoe@example.com');
  switch (kind) {
    case 'visit':
      return { ...base, event: { name: 'User Visits Server', description: 'Triggers when a user visits the server' } };
    case 'join':
      return { ...base, event: { name: 'User Joins Server', description: 'Triggers when a user joins the server' } };
    case 'message':
      return {
        ...base,
        event: { name: 'New Message Posted Anywhere', description: 'Triggers when a new message is posted in any channel' },
        channel: { id: '65025a1c9e0c0a', name: 'general' },
        message: { id: '6650b1d2e4f5a6', content: 'Hello everyone!' },
      };
    case 'purchase':
      return {
        ...base,
        event: { name: 'Purchased Store Item', description: 'Triggers when a user purchases an item in the store' },
        item: { id: '66a0c3d4e5f6a7', name: 'Golden Badge', price: 500, currency: 'coins' },
      };
  }
}
