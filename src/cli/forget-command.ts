import { parseArgs } from 'node:util';
import type { CliIo } from './cli-io.js';
import { UsageError } from './cli-io.js';
import { openStoreForCli } from './open-store-for-cli.js';

export const FORGET_USAGE = `usage: bridge forget --email ADDR | --user-id ID [--json] [--data DIR]
  Deletes everything the store holds about one person: their events (by user.email, any case, or
  user.id), those events' jobs, decisions, dedupe rows and digest items, and every memory record (counts,
  cooldowns, thread and note memos) whose key is one of their emails or ids. Prints what it removed.`;

/** `bridge forget`: a member's right to be forgotten, across everything the bridge stored. */
export async function runForget(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { email: { type: 'string' }, 'user-id': { type: 'string' }, json: { type: 'boolean', default: false }, data: { type: 'string' } },
    strict: true,
  });
  const email = values.email?.trim();
  const userId = values['user-id']?.trim();
  if ((email === undefined || email === '') && (userId === undefined || userId === '')) throw new UsageError('give --email ADDR or --user-id ID');
  const store = await openStoreForCli(io, values.data);
  if (!store) return 1;
  try {
    const r = await store.forgetPerson({ ...(email !== undefined && email !== '' && { email }), ...(userId !== undefined && userId !== '' && { userId }) });
    if (values.json) io.stdout(`${JSON.stringify(r, null, 2)}\n`);
    else {
      io.stdout(`forgot ${r.identities.join(', ')}: ${r.events} events, ${r.jobs} jobs, ${r.decisions} decisions, ${r.state} memory records, ${r.dedupe} dedupe rows, ${r.digestItems} digest items\n`);
      // Vendors keep their own copies: the bridge cannot delete what Slack, Discord or HubSpot hold.
      if (r.jobs > 0) io.stdout('messages and CRM records already delivered stay with their vendors: delete them there\n');
    }
    return 0;
  } finally {
    await store.close();
  }
}
