import { describe, expect, it } from 'vitest';
import { eventIdOfJob } from '../../src/store/job-id.js';

describe('eventIdOfJob', () => {
  it.each([
    ['msg_2Zx:vip-alert:0', 'msg_2Zx'],
    ['msg_2Zx:vip-alert:12#r3', 'msg_2Zx'],
    ['c_0123abcd:crm.sync_2:1', 'c_0123abcd'],
    // Event ids are the sender's: they may hold ':' and '#' themselves.
    ['a:b:rule:0', 'a:b'],
    ['a:b:0:rule:0', 'a:b:0'],
    ['id#r1:rule:0#r2', 'id#r1'],
    ['line\nbreak:rule:0', 'line\nbreak'],
  ])('%j belongs to event %j', (jobId, eventId) => {
    expect(eventIdOfJob(jobId)).toBe(eventId);
  });

  it.each(['', 'e1', 'e1:rule', ':rule:0', 'e1:rule:x', 'e1:-rule:0', 'e1:rule:0#r', 'e1:rule:0#x1'])('%j is not a job id', (jobId) => {
    expect(eventIdOfJob(jobId)).toBeUndefined();
  });
});
