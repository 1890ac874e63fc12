import fc from 'fast-check';
import type { JsonObject } from '../../src/events/event.js';
import type { Condition } from '../../src/rules/condition.js';
import type { Activity, KeyMemory, MemoryView } from '../../src/rules/memory.js';

/**
 * fast-check arbitraries for the rule engine's property tests: conditions over a few fields, with
 * values drawn from one small pool so that conditions and events meet often (equal, equal but for
 * case, the same text as a number or a boolean), and memory the memory tests can read.
 */

/** Values conditions compare with and events carry: near misses on purpose ("1" and 1, "A@X.com" and "a@x.com"). */
export const SCALARS = ['a@x.com', 'A@X.com', 'b@y.com', 'u1', 'U1', 'srv1', 'srv2', 1, '1', 0, true, 'true', 42, '42'] as const;
export const LISTS = { vips: ['a@x.com', 'B@Y.COM', 1], servers: ['srv1'], empty: [] };
const FIELDS = ['user.email', 'user.id', 'server.id', 'user.email_domain', 'user.tags', 'event.name', 'user.age'] as const;

const scalar = fc.constantFrom(...SCALARS);
const ignoreCase = fc.option(fc.boolean(), { nil: undefined });
const leafOperand: fc.Arbitrary<Partial<Condition>> = fc.oneof(
  scalar.map((v) => ({ equals: v })),
  scalar.map((v) => ({ not_equals: v })),
  fc.oneof(fc.constantFrom('vips', 'servers', 'empty'), fc.array(scalar, { maxLength: 3 })).map((v) => ({ in: v })),
  fc.oneof(fc.constantFrom('vips', 'servers'), fc.array(scalar, { maxLength: 3 })).map((v) => ({ not_in: v })),
  scalar.map((v) => ({ contains: v })),
  fc.constantFrom('a', 'A', 'srv', 'u').map((v) => ({ starts_with: v })),
  fc.constantFrom('.com', 'X.COM', '1').map((v) => ({ ends_with: v })),
  fc.constantFrom('^a', 'X', '\\d$').map((v) => ({ matches: v })),
  fc.boolean().map((v) => ({ exists: v })),
  fc.integer({ min: 0, max: 50 }).map((v) => ({ gte: v })),
  fc.integer({ min: 0, max: 50 }).map((v) => ({ lt: v })),
  fc.constantFrom('1h', '7d').map((v) => ({ within: v })),
);
const fieldLeaf: fc.Arbitrary<Condition> = fc
  .tuple(fc.constantFrom(...FIELDS), leafOperand, ignoreCase)
  .map(([field, op, ic]) => ({ field, ...op, ...(ic !== undefined && { ignore_case: ic }) }));
const memoryLeaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.constantFrom<Condition>({ first_seen: { key: 'user.id' } }, { first_seen: { key: 'user.id', within: '1d' } }),
  fc.constantFrom<Condition>({ since_last: { key: 'user.id', gte: '1h' } }, { since_last: { key: 'user.id', lt: '1h' } }),
  fc.integer({ min: 0, max: 3 }).map((n): Condition => ({ count: { key: 'user.id', within: '1d', gte: n } })),
);
const timeLeaf: fc.Arbitrary<Condition> = fc.constantFrom<Condition>({ time: { tz: 'UTC', from: '09:00', to: '17:00' } });

/** A condition tree up to a few levels deep; `memory` adds memory and time tests. */
export function conditionArb(opts: { memory?: boolean } = {}): fc.Arbitrary<Condition> {
  const leaf = opts.memory === true ? fc.oneof({ weight: 4, arbitrary: fieldLeaf }, { weight: 1, arbitrary: memoryLeaf }, { weight: 1, arbitrary: timeLeaf }) : fieldLeaf;
  const { tree } = fc.letrec<{ tree: Condition }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('tree'), { maxLength: 3 }).map((all): Condition => ({ all })),
      fc.array(tie('tree'), { maxLength: 3 }).map((any): Condition => ({ any })),
      tie('tree').map((not): Condition => ({ not })),
    ),
  }));
  return tree;
}

/** An `equals` / `in` test of a field events carry: what the rule index looks rules up by. */
export const keyLeafArb: fc.Arbitrary<Condition> = fc
  .tuple(
    fc.constantFrom('user.email', 'user.id', 'server.id', 'user.email_domain'),
    fc.oneof(scalar.map((v): Partial<Condition> => ({ equals: v })), fc.oneof(fc.constantFrom('vips', 'servers', 'empty'), fc.array(scalar, { maxLength: 3 })).map((v): Partial<Condition> => ({ in: v }))),
    ignoreCase,
  )
  .map(([field, op, ic]) => ({ field, ...op, ...(ic !== undefined && { ignore_case: ic }) }));

/**
 * A rule's `when` shaped as rules are written: often a key test beside anything (`all`), or a few
 * key tests as alternatives (`any`), and otherwise any condition.
 */
export const ruleConditionArb: fc.Arbitrary<Condition> = fc.oneof(
  conditionArb({ memory: true }),
  keyLeafArb,
  fc.tuple(keyLeafArb, conditionArb({ memory: true })).map(([k, c]): Condition => ({ all: [c, k] })),
  fc.array(keyLeafArb, { minLength: 1, maxLength: 3 }).map((any): Condition => ({ any })),
  fc.tuple(keyLeafArb, fc.array(keyLeafArb, { maxLength: 2 })).map(([k, alts]): Condition => ({ all: [k, { any: [k, ...alts] }] })),
);

/** A visit payload (as eventView would see it) whose fields come from the same pool, some missing. */
export const payloadArb: fc.Arbitrary<JsonObject> = fc
  .record({
    email: fc.option(fc.constantFrom('a@x.com', 'A@X.com', 'b@y.com', 'B@Y.COM', 'srv1'), { nil: undefined }),
    id: fc.option(scalar, { nil: undefined }),
    age: fc.option(fc.oneof(fc.integer({ min: 0, max: 60 }), fc.constantFrom('42', 'x')), { nil: undefined }),
    tags: fc.option(fc.array(scalar, { maxLength: 3 }), { nil: undefined }),
    server: fc.option(fc.oneof(fc.constantFrom('SRV1', 'Srv2'), scalar), { nil: undefined }),
  })
  .map(({ email, id, age, tags, server }) => {
    const user: Record<string, unknown> = { name: 'N' };
    if (email !== undefined) user['email'] = email;
    if (id !== undefined) user['id'] = id;
    if (age !== undefined) user['age'] = age;
    if (tags !== undefined) user['tags'] = tags;
    return { user, ...(server !== undefined && { server: { id: server, name: 'S' } }), event: { name: 'User Visits Server' }, date: '2026-11-20T10:00:00.000Z' } as JsonObject;
  });

const HOUR = 3_600_000;
const activity = fc
  .array(fc.integer({ min: 0, max: 48 }), { minLength: 1, maxLength: 4 })
  .map((hoursAgo): Activity => {
    const times = hoursAgo.map((h) => NOW - h * HOUR).sort((a, b) => a - b);
    return { first_at: times[0] as number, last_at: times.at(-1) as number, totals: { 'user.visited': times.length }, recent: { 'user.visited': times } };
  });

/** The receive time of the memory arbitraries: a Friday, 10:00 UTC. */
export const NOW = Date.parse('2026-11-20T10:00:00.000Z');

/** One key's memory, as memoryOf gives it to conditions (key '' when the event has none). */
export const memoryArb: fc.Arbitrary<MemoryView> = fc
  .record({ key: fc.constantFrom('', 'u1'), before: fc.option(activity, { nil: undefined }), after: fc.option(activity, { nil: undefined }), hours: fc.integer({ min: 0, max: 23 }) })
  .map(({ key, before, after, hours }): MemoryView => {
    const m: KeyMemory = key === '' ? { key, before: undefined, after: undefined } : { key, before, after };
    return { now: NOW - 10 * HOUR + hours * HOUR, of: () => m };
  });
