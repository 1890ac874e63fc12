import { describe, expect, it } from 'vitest';
import type { Condition } from '../../src/rules/condition.js';
import type { JsonObject } from '../../src/events/event.js';
import { compileCondition, ListSets } from '../../src/rules/compile-condition.js';
import { evaluateCondition, failureSummary, type EvaluationMode } from '../../src/rules/evaluate-condition.js';
import { eventView } from '../../src/rules/event-view.js';
import { NO_MEMORY } from '../../src/rules/memory.js';
import { eventFrom, visitPayload } from './visit-event.js';

const lists = { vips: ['janedoe@example.com', 'boss@example.com'], vip_domains: ['example.com'], ids: [1234, 42, true] };

const view: JsonObject = {
  user: {
    email: 'JaneDoe@Example.com',
    name: 'Jane Doe',
    age: 42,
    score: '12.5',
    sci: '1e3',
    hex: '0x10',
    empty: '',
    flag: true,
    nothing: null,
    tags: ['vip', 'Beta', 7],
    obj: { a: 1 },
    joined: '2025-09-02T09:41:04.769Z',
    bad_date: 'soon',
    long: `${'a'.repeat(100_000)}needle`,
  },
  items: [{ name: 'first' }],
};

function run(condition: Condition, on: JsonObject = view, mode: EvaluationMode = 'decide') {
  return evaluateCondition(compileCondition(condition, new ListSets(lists)), on, mode);
}

const T = true;
const F = false;

describe('leaf operators', () => {
  it.each<[Condition, boolean]>([
    [{ field: 'user.name', equals: 'Jane Doe' }, T],
    [{ field: 'user.name', equals: 'jane doe' }, F],
    [{ field: 'user.name', equals: 'jane doe', ignore_case: true }, T],
    [{ field: 'user.name', equals: 'jane doe', ignore_case: false }, F],
    [{ field: 'user.age', equals: 42 }, T],
    [{ field: 'user.age', equals: '42' }, F],
    [{ field: 'user.score', equals: 12.5 }, F],
    [{ field: 'user.flag', equals: true }, T],
    [{ field: 'user.flag', equals: 'true' }, F],
    [{ field: 'user.missing', equals: 'x' }, F],
    [{ field: 'user.nothing', equals: 'null' }, F],
    [{ field: 'user.obj', equals: '[object Object]' }, F],
    [{ field: 'items.0.name', equals: 'first' }, T],
    [{ field: 'user.name', not_equals: 'jane doe' }, T],
    [{ field: 'user.name', not_equals: 'jane doe', ignore_case: true }, F],
    [{ field: 'user.name', not_equals: 'Jane Doe' }, F],
    [{ field: 'user.missing', not_equals: 'x' }, T],
    [{ field: 'user.obj', not_equals: 'x' }, T],

    [{ field: 'user.email', in: 'vips' }, F],
    [{ field: 'user.email', in: 'vips', ignore_case: true }, T],
    [{ field: 'user.email', in: ['JaneDoe@Example.com', 'x'] }, T],
    [{ field: 'user.email', in: ['janedoe@example.com'] }, F],
    [{ field: 'user.email', in: ['JANEDOE@EXAMPLE.COM'], ignore_case: true }, T],
    [{ field: 'user.age', in: [41, 42] }, T],
    [{ field: 'user.age', in: ['42'] }, F],
    [{ field: 'user.age', in: 'ids' }, T],
    [{ field: 'user.flag', in: 'ids' }, T],
    [{ field: 'user.missing', in: 'vips' }, F],
    [{ field: 'user.tags', in: ['vip'] }, F],
    [{ field: 'user.email', not_in: 'vips' }, T],
    [{ field: 'user.email', not_in: 'vips', ignore_case: true }, F],
    [{ field: 'user.missing', not_in: 'vips' }, T],
    [{ field: 'user.obj', not_in: ['x'] }, T],

    [{ field: 'user.name', contains: 'Doe' }, T],
    [{ field: 'user.name', contains: 'doe' }, F],
    [{ field: 'user.name', contains: 'DOE', ignore_case: true }, T],
    [{ field: 'user.score', contains: 12 }, T],
    [{ field: 'user.tags', contains: 'vip' }, T],
    [{ field: 'user.tags', contains: 'beta' }, F],
    [{ field: 'user.tags', contains: 'BETA', ignore_case: true }, T],
    [{ field: 'user.tags', contains: 7 }, T],
    [{ field: 'user.tags', contains: '7' }, F],
    [{ field: 'user.age', contains: 4 }, F],
    [{ field: 'user.obj', contains: 'a' }, F],
    [{ field: 'user.missing', contains: 'x' }, F],

    [{ field: 'user.email', starts_with: 'Jane' }, T],
    [{ field: 'user.email', starts_with: 'jane' }, F],
    [{ field: 'user.email', starts_with: 'JANE', ignore_case: true }, T],
    [{ field: 'user.age', starts_with: '4' }, F],
    [{ field: 'user.missing', starts_with: '' }, F],
    [{ field: 'user.email', ends_with: '@example.com' }, F],
    [{ field: 'user.email', ends_with: '@example.com', ignore_case: true }, T],
    [{ field: 'user.email', ends_with: '@Example.com' }, T],
    [{ field: 'user.tags', ends_with: '7' }, F],

    [{ field: 'user.email', matches: '^jane' }, F],
    [{ field: 'user.email', matches: '^jane', ignore_case: true }, T],
    [{ field: 'user.email', matches: '@Example\\.com$' }, T],
    [{ field: 'user.age', matches: '4' }, F],
    [{ field: 'user.missing', matches: '.*' }, F],
    [{ field: 'user.long', matches: 'a{100}' }, T],
    // The whole value is matched, however long (RE2 is linear in it).
    [{ field: 'user.long', matches: 'needle$' }, T],
    [{ field: 'user.long', matches: '^a+needle$' }, T],
    [{ field: 'user.long', matches: '^a+b' }, F],
    [{ field: 'user.name', matches: '^JANE D', ignore_case: true }, T],
    [{ field: 'user.name', matches: '(?i)^jane' }, T],
    [{ field: 'user.name', matches: '^\\p{Lu}\\w+ \\p{Lu}' }, T],

    [{ field: 'user.name', exists: true }, T],
    [{ field: 'user.empty', exists: true }, T],
    [{ field: 'user.nothing', exists: true }, F],
    [{ field: 'user.missing', exists: true }, F],
    [{ field: 'user.missing', exists: false }, T],
    [{ field: 'user.nothing', exists: false }, T],
    [{ field: 'user.name', exists: false }, F],

    [{ field: 'user.age', gt: 41 }, T],
    [{ field: 'user.age', gt: 42 }, F],
    [{ field: 'user.age', gte: 42 }, T],
    [{ field: 'user.age', gte: 43 }, F],
    [{ field: 'user.age', lt: 43 }, T],
    [{ field: 'user.age', lt: 42 }, F],
    [{ field: 'user.age', lte: 42 }, T],
    [{ field: 'user.age', lte: 41 }, F],
    [{ field: 'user.score', gt: 12 }, T],
    [{ field: 'user.score', lt: 12.5 }, F],
    [{ field: 'user.score', lte: 12.5 }, T],
    [{ field: 'user.sci', gte: 1000 }, T],
    [{ field: 'user.hex', gt: 1 }, F],
    [{ field: 'user.empty', gt: -1 }, F],
    [{ field: 'user.flag', gt: 0 }, F],
    [{ field: 'user.name', lt: 1 }, F],
    [{ field: 'user.missing', lt: 1 }, F],
    [{ field: 'user.nothing', lte: 1 }, F],

    [{ field: 'user.joined', after: '2025-01-01' }, T],
    [{ field: 'user.joined', before: '2025-01-01' }, F],
    [{ field: 'user.joined', before: '2026-01-01T00:00:00Z' }, T],
    [{ field: 'user.joined', after: '2025-09-02T09:41:04.769Z' }, F],
    [{ field: 'user.joined', before: '2025-09-02T09:41:04.769Z' }, F],
    [{ field: 'user.bad_date', after: '2000-01-01' }, F],
    [{ field: 'user.bad_date', before: '2100-01-01' }, F],
    [{ field: 'user.age', after: '1970-01-01' }, F],
    [{ field: 'user.missing', before: '2100-01-01' }, F],
  ])('%j → %s', (condition, passed) => {
    expect(run(condition).passed).toBe(passed);
  });
});

describe('groups', () => {
  const yes: Condition = { field: 'user.name', exists: true };
  const no: Condition = { field: 'user.missing', exists: true };
  it.each<[string, Condition, boolean]>([
    ['all of passes', { all: [yes, yes] }, T],
    ['all with a failure', { all: [yes, no] }, F],
    ['any with a pass', { any: [no, yes] }, T],
    ['any of failures', { any: [no, no] }, F],
    ['not of a pass', { not: yes }, F],
    ['not of a failure', { not: no }, T],
    ['nested', { all: [{ any: [no, { not: no }] }, { not: { all: [yes, no] } }] }, T],
    ['nested failing', { any: [{ all: [yes, no] }, { not: { any: [no, yes] } }] }, F],
  ])('%s', (_name, condition, passed) => {
    expect(run(condition).passed).toBe(passed);
    expect(run(condition, view, 'explain').passed).toBe(passed);
  });
});

describe('explanations', () => {
  it('names the field, operator, operand and case mode, with the actual value', () => {
    expect(run({ field: 'user.email', in: 'vips', ignore_case: true })).toStrictEqual({
      test: 'user.email in list vips (ignore case)',
      passed: true,
      actual: 'JaneDoe@Example.com',
    });
  });

  it.each<[Condition, string]>([
    [{ field: 'user.email', ends_with: 'example.com' }, 'user.email ends_with "example.com"'],
    [{ field: 'user.age', in: [41, 42] }, 'user.age in [41,42]'],
    [{ field: 'user.age', not_in: 'ids' }, 'user.age not_in list ids'],
    [{ field: 'user.name', not_equals: 'x', ignore_case: true }, 'user.name not_equals "x" (ignore case)'],
    [{ field: 'user.name', matches: '^J', ignore_case: true }, 'user.name matches "^J" (ignore case)'],
    [{ field: 'user.age', gte: 18, ignore_case: true }, 'user.age gte 18'],
    [{ field: 'user.name', exists: true }, 'user.name exists'],
    [{ field: 'user.name', exists: false }, 'user.name does not exist'],
    [{ field: 'date', before: '2026-01-01' }, 'date before "2026-01-01"'],
    [{ field: 'user.tags', contains: 7 }, 'user.tags contains 7'],
  ])('%j is described as %s', (condition, test) => {
    expect(run(condition).test).toBe(test);
  });

  it('omits actual for a missing field', () => {
    expect(run({ field: 'user.missing', exists: false })).toStrictEqual({ test: 'user.missing does not exist', passed: true });
  });

  it('short-circuits all at the first failure and any at the first pass, listing only evaluated children', () => {
    const a = { field: 'user.age', gt: 50 };
    const b = { field: 'user.age', lt: 50 };
    expect(run({ all: [a, b] })).toStrictEqual({ test: 'all', passed: false, children: [{ test: 'user.age gt 50', passed: false, actual: 42 }] });
    expect(run({ any: [b, a] })).toStrictEqual({ test: 'any', passed: true, children: [{ test: 'user.age lt 50', passed: true, actual: 42 }] });
    expect(run({ not: a })).toStrictEqual({ test: 'not', passed: true, children: [{ test: 'user.age gt 50', passed: false, actual: 42 }] });
  });

  it('in explain mode lists every branch of all and any, nested ones too, with the value each saw', () => {
    const gt = { test: 'user.age gt 50', passed: false, actual: 42 };
    const lt = { test: 'user.age lt 50', passed: true, actual: 42 };
    const missing = { test: 'user.missing exists', passed: false };
    const a = { field: 'user.age', gt: 50 };
    const b = { field: 'user.age', lt: 50 };
    const m = { field: 'user.missing', exists: true };
    expect(run({ all: [a, b] }, view, 'explain')).toStrictEqual({ test: 'all', passed: false, children: [gt, lt] });
    expect(run({ any: [b, a, m] }, view, 'explain')).toStrictEqual({ test: 'any', passed: true, children: [lt, gt, missing] });
    expect(run({ any: [b, { all: [a, b] }] }, view, 'explain')).toStrictEqual({
      test: 'any',
      passed: true,
      children: [lt, { test: 'all', passed: false, children: [gt, lt] }],
    });
  });

  it.each<[string, Condition, string]>([
    ['a leaf', { field: 'user.age', gt: 50 }, 'user.age gt 50'],
    ['the first failing child of all', { all: [{ field: 'user.age', lt: 50 }, { field: 'user.age', gt: 50 }, { field: 'user.x', exists: true }] }, 'user.age gt 50'],
    ['every alternative of any', { any: [{ field: 'user.age', gt: 50 }, { all: [{ field: 'user.flag', equals: false }] }] }, 'none of (user.age gt 50; user.flag equals false)'],
    ['what held under not', { not: { all: [{ field: 'user.age', lt: 50 }, { field: 'user.flag', exists: true }] } }, 'not(all(user.age lt 50, user.flag exists))'],
    ['the tree of a passing group', { all: [{ field: 'user.age', lt: 50 }] }, 'all(user.age lt 50)'],
  ])('failureSummary gives %s', (_name, condition, summary) => {
    expect(failureSummary(run(condition))).toBe(summary);
  });
});

describe('time of day, weekdays and relative dates, against the plan\'s now', () => {
  const DAY = 86_400_000;
  // user.joined is 2025-09-02T09:41:04.769Z.
  const JOINED = Date.parse('2025-09-02T09:41:04.769Z');
  const at = (now: number, condition: Condition) => evaluateCondition(compileCondition(condition, new ListSets(lists)), view, 'decide', { ...NO_MEMORY, now });
  const OFFICE: Condition = { time: { tz: 'Europe/Berlin', from: '09:00', to: '17:00', weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'] } };

  it.each<[string, number, Condition, { test: string; passed: boolean; actual?: unknown }]>([
    ['within: just under the bound', JOINED + 7 * DAY - 1, { field: 'user.joined', within: '7d' }, { test: 'user.joined within 7d', passed: true, actual: '2025-09-02T09:41:04.769Z' }],
    ['within: exactly the bound is out', JOINED + 7 * DAY, { field: 'user.joined', within: '7d' }, { test: 'user.joined within 7d', passed: false, actual: '2025-09-02T09:41:04.769Z' }],
    ['within: a date after now counts', JOINED - DAY, { field: 'user.joined', within: '7d' }, { test: 'user.joined within 7d', passed: true, actual: '2025-09-02T09:41:04.769Z' }],
    ['older_than: exactly the bound holds', JOINED + 30 * DAY, { field: 'user.joined', older_than: '30d' }, { test: 'user.joined older_than 30d', passed: true, actual: '2025-09-02T09:41:04.769Z' }],
    ['older_than: just under the bound', JOINED + 30 * DAY - 1, { field: 'user.joined', older_than: '30d' }, { test: 'user.joined older_than 30d', passed: false, actual: '2025-09-02T09:41:04.769Z' }],
    ['within: not a date is no match, explained', JOINED, { field: 'user.bad_date', within: '7d' }, { test: 'user.bad_date within 7d: not a date', passed: false, actual: 'soon' }],
    ['older_than: a number is not a date', JOINED, { field: 'user.age', older_than: '1d' }, { test: 'user.age older_than 1d: not a date', passed: false, actual: 42 }],
    ['older_than: a missing field fails', JOINED, { field: 'user.missing', older_than: '1d' }, { test: 'user.missing older_than 1d', passed: false }],
    ['not older_than: not a date still fails inside, so not holds', JOINED, { not: { field: 'user.bad_date', older_than: '1d' } }, { test: 'not', passed: true }],
    // 2026-03-31 is a Tuesday; Berlin is on CEST (+2).
    ['time: Tuesday 09:00 in Berlin', Date.parse('2026-03-31T07:00:00Z'), OFFICE, { test: 'time Europe/Berlin 09:00–17:00 on mon, tue, wed, thu, fri', passed: true, actual: 'tue 2026-03-31 09:00' }],
    ['time: Tuesday 17:00 in Berlin is the end', Date.parse('2026-03-31T15:00:00Z'), OFFICE, { test: 'time Europe/Berlin 09:00–17:00 on mon, tue, wed, thu, fri', passed: false, actual: 'tue 2026-03-31 17:00' }],
    ['time: Saturday noon', Date.parse('2026-04-04T10:00:00Z'), OFFICE, { test: 'time Europe/Berlin 09:00–17:00 on mon, tue, wed, thu, fri', passed: false, actual: 'sat 2026-04-04 12:00' }],
    ['time: whole days', Date.parse('2026-04-04T10:00:00Z'), { time: { tz: 'UTC', weekdays: ['sat', 'sun'] } }, { test: 'time UTC on sat, sun', passed: true, actual: 'sat 2026-04-04 10:00' }],
  ])('%s', (_name, now, condition, explanation) => {
    const got = at(now, condition);
    expect(got.children === undefined ? got : { test: got.test, passed: got.passed }).toStrictEqual(explanation);
  });
});

describe('derived fields and the docs sample', () => {
  const sample = eventView(eventFrom(visitPayload()));
  it.each<[Condition, boolean]>([
    [{ field: 'user.email_domain', ends_with: 'example.com' }, T],
    [{ field: 'user.email_domain', in: 'vip_domains' }, T],
    [{ field: 'owner.email_domain', equals: 'example.com' }, T],
    [{ field: 'event.type', equals: 'user.visited' }, T],
    [{ field: 'event.id', equals: 'd-1' }, T],
    [{ field: 'event.name', equals: 'User Visits Server' }, T],
    [{ field: 'date', after: '2025-09-01' }, T],
    [{ field: 'server.id', equals: '6502564c5c09c0a' }, T],
    [{ any: [{ field: 'user.email', in: 'vips', ignore_case: true }, { field: 'user.email_domain', in: 'vip_domains' }] }, T],
  ])('%j → %s', (condition, passed) => {
    expect(run(condition, sample).passed).toBe(passed);
  });
});

describe('prototype keys', () => {
  const hostile = JSON.parse('{"__proto__":{"x":1,"name":"Object"},"user":{"name":"a","__proto__":{"admin":true}}}') as JsonObject;
  const views: [string, JsonObject][] = [
    ['the parsed payload', hostile],
    ['its event view', eventView({ id: 'e', type: 'unknown', name: 'x', payload: hostile })],
  ];
  it.each(views.flatMap(([label, v]) =>
    (['__proto__', '__proto__.x', 'x', 'constructor', 'constructor.name', 'user.__proto__', 'user.__proto__.admin', 'user.admin', 'user.constructor.name', 'toString', 'user.name.length', 'prototype'] as const).map(
      (field) => [label, field, v] as const,
    ),
  ))('in %s, %s never resolves', (_label, field, v) => {
    expect(run({ field, exists: true }, v).passed).toBe(false);
    expect(run({ field, exists: false }, v).passed).toBe(true);
    expect(run({ field, equals: 'Object' }, v).passed).toBe(false);
  });
});
