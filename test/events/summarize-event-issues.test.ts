import { describe, expect, it } from 'vitest';
import { summarizeEventIssues } from '../../src/events/summarize-event-issues.js';

describe('summarizeEventIssues', () => {
  it('lists the first ten and counts the rest', () => {
    const issues = Array.from({ length: 12 }, (_, i) => ({ path: `a.${i}`, message: 'bad' }));
    expect(summarizeEventIssues(issues)).toBe(`${issues.slice(0, 10).map((i) => `${i.path}: bad`).join('; ')}; and 2 more`);
    expect(summarizeEventIssues([{ path: '', message: 'expected a JSON object' }])).toBe('expected a JSON object');
  });
});
