import { describe, expect, it } from 'vitest';
import type { SettledJob } from '../../src/dispatch/dispatcher.js';
import { DRY_RUN_REF } from '../../src/dispatch/dry-run-sender.js';
import { createMetrics } from '../../src/observe/metrics.js';
import { recordSettled } from '../../src/observe/record-settled.js';
import { series } from './metric-lines.js';

const job = (over: Partial<SettledJob>): SettledJob => ({
  jobId: 'e1:vip:0', rule: 'vip', destination: 'alerts', kind: 'slack', outcome: 'ok', result: 'done', attempts: 1, ageMs: 0, ...over,
});

describe('recordSettled: bridge_rule_sent_total', () => {
  it.each<[string, SettledJob, string[]]>([
    ['a delivered job counts for its rule', job({ ref: '1700000000.000100' }), ['bridge_rule_sent_total{rule="vip"} 1']],
    ['a delivered job without a vendor ref counts too', job({}), ['bridge_rule_sent_total{rule="vip"} 1']],
    ['a dry run sent nothing', job({ ref: DRY_RUN_REF }), []],
    ['a retry is not sent yet', job({ outcome: 'retry', result: 'retry' }), []],
    ['a dead letter was never sent', job({ outcome: 'fail', result: 'dead' }), []],
    ['an ambiguous outcome may or may not have been sent', job({ outcome: 'ambiguous', result: 'ambiguous' }), []],
  ])('%s', async (_name, settled, expected) => {
    const metrics = createMetrics();
    recordSettled(metrics)(settled);
    expect(series(await metrics.registry.metrics(), 'bridge_rule_sent_total')).toEqual(expected);
  });
});
