import Mustache from 'mustache';
import { z } from 'zod';
import { COUNT_OPERATORS, OPERATORS, type Condition } from '../rules/condition.js';
import { DURATION } from '../rules/duration.js';

const scalar = z.union([z.string(), z.number(), z.boolean()]);
/** `in` / `not_in` take a literal array or the name of a list under `lists:`. */
const listRef = z.union([z.string().describe('name of a list under `lists:`'), z.array(scalar)]);
export const DurationSchema = z.string().regex(DURATION, { message: 'expected a duration: a whole number and a unit ms, s, m, h, d or w (e.g. 30s, 10m, 12h, 7d)' });

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
      field: z.string().min(1).optional().describe('event field path, e.g. user.email, server.id, user.email_domain'),
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
    })
    .strict()
    .superRefine((c, ctx) => {
      const groups = (['all', 'any', 'not', 'first_seen', 'since_last', 'count'] as const).filter((k) => c[k] !== undefined);
      const ops = OPERATORS.filter((k) => c[k] !== undefined);
      if (groups.length > 0) {
        if (groups.length > 1 || c.field !== undefined || ops.length > 0 || c.ignore_case !== undefined) {
          ctx.addIssue({ code: 'custom', message: `a condition is either one of all/any/not/first_seen/since_last/count or a field test, not both (found ${[...groups, ...(c.field !== undefined ? ['field'] : []), ...ops].join(', ')})` });
        }
        return;
      }
      if (c.field === undefined) {
        ctx.addIssue({ code: 'custom', message: 'a condition needs `all`, `any`, `not`, or `field` with one operator' });
        return;
      }
      if (ops.length !== 1) {
        ctx.addIssue({ code: 'custom', message: ops.length === 0 ? `field "${c.field}" needs one operator: ${OPERATORS.join(', ')}` : `field "${c.field}" has ${ops.length} operators (${ops.join(', ')}); use one per condition and combine with all/any` });
      }
    }),
);
