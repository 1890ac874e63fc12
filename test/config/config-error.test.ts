import { describe, expect, it } from 'vitest';
import { formatPath, type PathSegment } from '../../src/config/config-error.js';

describe('formatPath', () => {
  it.each<[PathSegment[], string]>([
    [[], '(root)'],
    [['version'], 'version'],
    [['rules', 0, 'actions', 1, 'slack', 'destination'], 'rules[0].actions[1].slack.destination'],
    [['destinations', 'vip-alerts', 'token'], 'destinations.vip-alerts.token'],
    [['lists', 'vip.emails'], 'lists["vip.emails"]'],
  ])('%j', (path, text) => {
    expect(formatPath(path)).toBe(text);
  });
});
