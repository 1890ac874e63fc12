/**
 * `npm run bench:log`: what a log line costs with redaction by value (the secret scrubber) against
 * key-name redaction alone, in the same run: a typical "action delivered" line and a dead letter
 * whose reason is long, with the secrets a bridge with four live destinations and auth knows.
 */
import { performance } from 'node:perf_hooks';
import { createLogger } from '../src/log.js';
import { createSecretScrubber } from '../src/secret-scrubber.js';

const LINES = Number(process.env.BENCH_LOG_LINES ?? 200_000);
const sink = { write: (_s: string) => undefined };
const scrubber = createSecretScrubber([
  'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
  `https://discord.com/api/webhooks/123456789012345678/${'aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3hJ5kL7nP9rS1tV3xZ5aB3dE5gH7jK9mN1p'}`,
  'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.MnOpQrStUvWxYzAbCdEfGhIjKlMnOpQrStUvWx',
  'pat-na1-12345678-1234-1234-1234-123456789012',
  'k3y-for-the-webhook-api-0123456789',
  'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
]);
const delivered = {
  eventId: 'c_4b0b1f0e6f3a4c5d9e8f7a6b5c4d3e2f', jobId: 'c_4b0b1f0e6f3a4c5d9e8f7a6b5c4d3e2f:vip-visit-slack:0', rule: 'vip-visit-slack',
  destination: 'vip-alerts', kind: 'slack', outcome: 'ok', result: 'done', attempts: 1, ref: '1725271200.000100',
};
const dead = { ...delivered, outcome: 'fail', result: 'dead', reason: `discord 400 (code 50035: Invalid Form Body ${'x'.repeat(100)})` };

const ROUNDS = 5;

function once(log: ReturnType<typeof createLogger>, fields: object, msg: string): number {
  const t = performance.now();
  for (let i = 0; i < LINES / ROUNDS; i++) log.info(fields, msg);
  return ((performance.now() - t) * 1e6) / (LINES / ROUNDS);
}

/** Best of ROUNDS alternating rounds of each logger (a shared machine's noise only adds time). */
function compare(a: ReturnType<typeof createLogger>, b: ReturnType<typeof createLogger>, fields: object, msg: string): [number, number] {
  once(a, fields, msg);
  once(b, fields, msg); // warm-up
  let bestA = Infinity;
  let bestB = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    bestA = Math.min(bestA, once(a, fields, msg));
    bestB = Math.min(bestB, once(b, fields, msg));
  }
  return [bestA, bestB];
}
const show = (name: string, ns: number): void => console.log(`  ${name.padEnd(34)}${ns.toFixed(0).padStart(6)} ns/line`);

const plain = createLogger({ dest: sink });
const scrubbed = createLogger({ dest: sink, scrub: scrubber.scrub });
for (const [what, fields, msg] of [['action delivered', delivered, 'action delivered'], ['dead letter (long reason)', dead, 'dead letter']] as const) {
  console.log(what);
  const [a, b] = compare(plain, scrubbed, fields, msg);
  show('key names only (before)', a);
  show('key names + 6 secret values', b);
  console.log(`  ${'cost of redaction by value'.padEnd(34)}${(b - a).toFixed(0).padStart(6)} ns/line (${((b / a - 1) * 100).toFixed(0)}%)`);
}
