import * as z from 'zod';
import { registry } from '../actions/registry.js';
import { AuthSchema } from './auth-schema.js';
import { LOOKUP_ERROR_POLICIES } from '../rules/crm-fields.js';
import { checkTimeWindow, ConditionSchema, DurationSchema, KeySchema, onAnyMapping, TimeOfDaySchema, TimeZoneSchema, timeWindowShape } from './condition-schema.js';
import { checkDigest } from './check-digest.js';

/**
 * THE schema of rules.yaml: the TypeScript types, the loader's validation and rules.schema.json
 * (for editors) all come from here.
 */

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const name = (what: string) =>
  z.string().regex(NAME, { message: `${what} names use letters, digits, '_', '.', '-' and start with a letter or digit` });

const kinds = Object.values(registry);

export const DestinationSchema = z.discriminatedUnion(
  'kind',
  kinds.map((k) => k.destinationSchema) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

/** A rule action: exactly one key, the destination kind, holding that kind's params. */
export const ActionSchema = z
  .object(Object.fromEntries(kinds.map((k) => [k.kind, (k.actionSchema as z.ZodType).optional()])) as Record<string, z.ZodOptional<z.ZodType>>)
  .strict()
  .superRefine((a, ctx) => {
    const used = Object.keys(a).filter((k) => a[k] !== undefined);
    if (used.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `an action has exactly one of ${kinds.map((k) => k.kind).join(', ')}${used.length ? ` (found ${used.join(', ')})` : ''}` });
    }
  });

/** A rule's quiet hours: a weekly window (the same as a `time` condition's) and what a match inside it does. */
const QuietHoursSchema = z
  .object({
    ...timeWindowShape,
    then: z.enum(['defer', 'drop']).default('defer').describe("defer: the rule's actions are due when the window ends; drop: the match is recorded as suppressed and nothing is sent"),
  })
  .strict()
  .superRefine(checkTimeWindow, onAnyMapping)
  .describe('matches inside this weekly window of local time are deferred to its end or dropped, e.g. { tz: Europe/Berlin, from: "22:00", to: "08:00", then: defer }');

/** A rule's digest: matches are buffered per key and window, and sent as one message when the window closes. */
const DigestSchema = z
  .object({
    key: KeySchema.describe('one digest per rendered key, e.g. "{{ server.id }}"'),
    every: DurationSchema.optional().describe('window length (at least 1s), windows aligned to the Unix epoch: 1h windows end on the hour (UTC)'),
    at: TimeOfDaySchema.optional().describe('windows end daily at this local "HH:MM" in tz'),
    tz: TimeZoneSchema.optional().describe('the zone of at'),
    max_items: z.number().int().min(1).max(1000).default(25).describe('items listed in digest.items; the rest are counted in digest.more'),
  })
  .strict()
  .superRefine(checkDigest, onAnyMapping)
  .describe('buffer matches per key and send one message per window, e.g. { key: "{{ server.id }}", every: 1h } or { key: "{{ server.id }}", at: "09:00", tz: Europe/Berlin }');

export const RuleSchema = z
  .object({
    name: name('rule'),
    description: z.string().optional(),
    on: z
      .union([z.string(), z.array(z.string()).min(1)])
      .describe("event types: user.joined, user.visited, message.posted, message.posted_to_channel, store.purchased, '*' (all known), unknown, or 'event:<exact event.name>'"),
    when: ConditionSchema.optional().describe('condition over event fields; omitted means always'),
    cooldown: z
      .object({ key: KeySchema, for: DurationSchema.describe('how long after firing repeats are suppressed') })
      .strict()
      .optional()
      .describe('after the rule fires for a key, later matches of that key are suppressed until the time is up (they do not extend it)'),
    quiet_hours: QuietHoursSchema.optional(),
    digest: DigestSchema.optional(),
    bypass_digest: ConditionSchema.optional().describe('matches for which this condition also holds are sent at once, as without digest'),
    actions: z.array(ActionSchema).min(1),
    stop: z.boolean().default(false).describe('when this rule matches, later rules are not evaluated'),
    enabled: z.boolean().default(true),
    mode: z.enum(['live', 'shadow']).default('live').describe('shadow: evaluated and recorded as "would have sent", never delivered; it never stops later rules'),
    crm: name('destination').optional().describe('the hubspot destination crm.contact.* fields are looked up in (default: the only one)'),
    on_lookup_error: z
      .enum(LOOKUP_ERROR_POLICIES)
      .optional()
      .describe("when the CRM lookup fails and the rule's CRM values would decide it: skip (default: a miss), match (as if they held), retry (planned again later, with backoff)"),
  })
  .strict();

const Scalar = z.union([z.string(), z.number(), z.boolean()]);

export const RulesFileSchema = z
  .object({
    version: z.literal(1).describe('rules.yaml format version'),
    destinations: z.record(name('destination'), DestinationSchema).default({}).describe('named destinations; credentials are ${ENV_VAR} references'),
    lists: z.record(name('list'), z.array(Scalar)).default({}).describe('named lists for `in` / `not_in`'),
    auth: AuthSchema.optional(),
    rules: z.array(RuleSchema).default([]).describe('evaluated in order; every matching rule fires unless an earlier match has stop: true'),
  })
  .strict();

export type RulesFile = z.infer<typeof RulesFileSchema>;
export type Rule = z.infer<typeof RuleSchema>;
export type RuleAction = z.infer<typeof ActionSchema>;
