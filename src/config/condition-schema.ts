import Mustache from 'mustache';
import * as z from 'zod';
import { COUNT_OPERATORS, OPERATORS, WEEKDAYS, type Condition } from '../rules/condition.js';
import { DURATION, DURATION_MESSAGE } from '../duration.js';
import { TIME_OF_DAY } from '../rules/time-window.js';
import { isTimeZone } from '../rules/zoned-clock.js';

const scalar = z.union([z.string(), z.number(), z.boolean()]);
/** `in` / `not_in` take a literal array or the name of a list under `lists:`. */
const listRef = z.union([z.string().describe('name of a list under `lists:`'), z.array(scalar)]);
export const DurationSchema = z.string().regex(DURATION, { message: DURATION_MESSAGE });

/** A key: a field path (`user.id`) or a template (`"{{ server.id }}/{{ user.id }}"`). */
export const KeySchema = z
  .string()
  .min(1)
  .superRefine((key, ctx) => {
    try {
      Mustache.parse(key);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: `invalid key template: ${e instanceof Error ? e.message : String(e)}` });
    }
  })
  .describe('a field path (user.id) or a template ("{{ server.id }}/{{ user.id }}")');

const FirstSeenSchema = z
  .object({ key: KeySchema, within: DurationSchema.optional().describe("the key's first event was less than this long ago; omitted: this is its first event ever") })
  .strict()
  .describe("the key's first event (this one counts)");
const SinceLastSchema = z
  .object({ key: KeySchema, gte: DurationSchema.optional(), lt: DurationSchema.optional() })
  .strict()
  .refine((c) => (c.gte === undefined) !== (c.lt === undefined), { message: 'since_last needs exactly one of gte, lt' })
  .describe("time since the key's previous event (this one excluded; never seen counts as infinitely long ago)");
const CountSchema = z
  .object({
    key: KeySchema,
    on: z.string().min(1).optional().describe('count only events of this type (default: every type)'),
    within: DurationSchema.describe('the sliding window, ending now'),
    equals: z.number().int().optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
  })
  .strict()
  .refine((c) => COUNT_OPERATORS.filter((k) => c[k] !== undefined).length === 1, { message: `count needs exactly one of ${COUNT_OPERATORS.join(', ')}` })
  .describe("the key's events in the window, this one included");

/** An IANA time zone name, as the runtime's Intl knows it (https://www.iana.org/time-zones). */
export const TimeZoneSchema = z
  .string()
  .superRefine((tz, ctx) => {
    if (!isTimeZone(tz)) ctx.addIssue({ code: 'custom', message: `unknown time zone ${JSON.stringify(tz)}` });
  })
  .describe('IANA time zone, e.g. Europe/Berlin, America/New_York, UTC');
export const TimeOfDaySchema = z.string().regex(TIME_OF_DAY, { message: 'expected a time of day "HH:MM", 00:00 to 23:59' });

/** The keys of a weekly window (rules/time-window.ts); quiet_hours adds `then`. */
export const timeWindowShape = {
  tz: TimeZoneSchema,
  from: TimeOfDaySchema.optional().describe('local start "HH:MM"; with to'),
  to: TimeOfDaySchema.optional().describe('local end "HH:MM", exclusive; at or before from, the window ends the next day'),
  weekdays: z.array(z.enum(WEEKDAYS)).min(1).optional().describe('the days a window starts on (default: every day); without from/to, these whole days'),
};

/** Window checks run even when a key failed (a bad `then` must not hide `from` equal to `to`), on mappings only. */
export const onAnyMapping = { when: (p: { value: unknown }) => typeof p.value === 'object' && p.value !== null && !Array.isArray(p.value) };

/** from and to come together and differ; a window without them names its weekdays. */
export function checkTimeWindow(w: { from?: unknown; to?: unknown; weekdays?: unknown }, ctx: z.RefinementCtx): void {
  if ((w.from === undefined) !== (w.to === undefined)) {
    ctx.addIssue({ code: 'custom', message: `${w.from === undefined ? 'to needs from' : 'from needs to'}: a window has both, or neither for whole days` });
  } else if (w.from === undefined && w.weekdays === undefined) {
    ctx.addIssue({ code: 'custom', message: 'a window needs from and to, weekdays, or both' });
  } else if (w.from !== undefined && w.from === w.to) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `from and to are both ${JSON.stringify(w.from)}; a window needs two different times (leave both out for whole days)` });
  }
}

const TimeConditionSchema = z
  .object(timeWindowShape)
  .strict()
  .superRefine(checkTimeWindow, onAnyMapping)
  .describe("the event's receive time is inside a weekly window of local time, e.g. { tz: Europe/Berlin, from: \"09:00\", to: \"17:00\", weekdays: [mon, tue, wed, thu, fri] }");

const GROUPS = ['all', 'any', 'not', 'first_seen', 'since_last', 'count', 'time'] as const;

const GROUP_KEYS: ReadonlySet<string> = new Set(GROUPS);
const OPERATOR_KEYS: ReadonlySet<string> = new Set(OPERATORS);

/** How many of `keys` are set on `c`: a walk over its own few keys, not over all of `keys`. */
function countSet(c: object, keys: ReadonlySet<string>): number {
  let n = 0;
  // zod's output: a plain object holding the keys the input had.
  for (const k in c) if (keys.has(k) && (c as Record<string, unknown>)[k] !== undefined) n += 1;
  return n;
}

/** Which of `keys` are set on `c`, in the order of `keys`. */
const setKeys = <K extends string>(c: Partial<Record<K, unknown>>, keys: readonly K[]): K[] => keys.filter((k) => c[k] !== undefined);

const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: 'expected an ISO-8601 date' });

export const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z
    .object({
      all: z.array(ConditionSchema).min(1).optional().describe('every nested condition holds'),
      any: z.array(ConditionSchema).min(1).optional().describe('at least one nested condition holds'),
      not: ConditionSchema.optional().describe('the nested condition does not hold'),
      first_seen: FirstSeenSchema.optional(),
      since_last: SinceLastSchema.optional(),
      count: CountSchema.optional(),
      time: TimeConditionSchema.optional(),
      field: z.string().min(1).optional().describe('event field path, e.g. user.email, server.id, user.email_domain; or crm.contact.<property>, looked up in HubSpot'),
      ignore_case: z.boolean().optional().describe('compare strings case-insensitively'),
      equals: scalar.optional(),
      not_equals: scalar.optional(),
      in: listRef.optional(),
      not_in: listRef.optional(),
      contains: scalar.optional().describe('substring of a string field, or element of an array field'),
      starts_with: z.string().optional(),
      ends_with: z.string().optional(),
      matches: z.string().optional().describe('regular expression in RE2 syntax (https://github.com/google/re2/wiki/Syntax), unanchored; no look-around or back-references'),
      exists: z.boolean().optional(),
      gt: z.number().optional(),
      gte: z.number().optional(),
      lt: z.number().optional(),
      lte: z.number().optional(),
      before: isoDate.optional().describe('field is a date strictly before this ISO-8601 date'),
      after: isoDate.optional().describe('field is a date strictly after this ISO-8601 date'),
      within: DurationSchema.optional().describe("field is a date less than this long before the event's receive time (or after it)"),
      older_than: DurationSchema.optional().describe("field is a date at least this long before the event's receive time"),
    })
    .strict()
    .superRefine((c, ctx) => {
      // Counted, not collected: this runs on every condition, and the names are only for a message.
      const groups = countSet(c, GROUP_KEYS);
      const ops = countSet(c, OPERATOR_KEYS);
      if (groups > 0) {
        if (groups > 1 || c.field !== undefined || ops > 0 || c.ignore_case !== undefined) {
          ctx.addIssue({ code: 'custom', message: `a condition is either one of all/any/not/first_seen/since_last/count/time or a field test, not both (found ${[...setKeys(c, GROUPS), ...(c.field !== undefined ? ['field'] : []), ...setKeys(c, OPERATORS)].join(', ')})` });
        }
        return;
      }
      if (c.field === undefined) {
        ctx.addIssue({ code: 'custom', message: 'a condition needs `all`, `any`, `not`, or `field` with one operator' });
        return;
      }
      if (ops !== 1) {
        ctx.addIssue({ code: 'custom', message: ops === 0 ? `field "${c.field}" needs one operator: ${OPERATORS.join(', ')}` : `field "${c.field}" has ${ops} operators (${setKeys(c, OPERATORS).join(', ')}); use one per condition and combine with all/any` });
      }
    }),
);
