import { describe, expect, it } from 'vitest';
import { filterHref, parseFilter } from '../../src/console/event-filter.js';

describe('parseFilter', () => {
  it.each([
    [{}, { limit: 51, offset: 0 }],
    [{ type: 'user.visited', user: ' Jane@Example.com ', rule: 'vip', outcome: 'failed', page: '3' }, { type: 'user.visited', user: 'Jane@Example.com', rule: 'vip', outcome: 'failed', limit: 51, offset: 100 }],
    [{ since: '2026-12-02T10:00', until: '2026-12-02T11:00:30Z' }, { since: Date.parse('2026-12-02T10:00:00Z'), until: Date.parse('2026-12-02T11:00:30Z'), limit: 51, offset: 0 }],
    [{ type: '', user: '' }, { limit: 51, offset: 0 }],
  ])('%j → %j', (q, filter) => {
    const r = parseFilter(q);
    expect(r.ok && r.filter).toEqual(filter);
  });

  it.each([
    [{ outcome: 'sent' }, ['outcome must be one of matched, suppressed, no_match, failed']],
    [{ since: 'yesterday' }, ['since must be a time (ISO-8601), got "yesterday"']],
    [{ until: '2026-13-45' }, ['until must be a time (ISO-8601), got "2026-13-45"']],
    [{ page: '0' }, ['page must be a whole number from 1']],
  ])('%j is refused: %j', (q, errors) => {
    const r = parseFilter(q);
    expect(!r.ok && r.errors).toEqual(errors);
  });
});

describe('filterHref', () => {
  it('keeps the filter and the page, and leaves empty fields out', () => {
    const r = parseFilter({ user: 'a b@x.org', outcome: 'no_match' });
    expect(filterHref(r.query, 2)).toBe('/console/events?user=a+b%40x.org&outcome=no_match&page=2');
    expect(filterHref(r.query, 1)).toBe('/console/events?user=a+b%40x.org&outcome=no_match');
  });
});
